/**
 * `loadScan`: saved scans (ncdu's JSON export format, as dirsize, ncdu and gdu write it) read
 * back into the Result a live scan of the same tree gives, without touching the tree. The
 * native loader (src-rs/import/) answers when the addon loads, else the TypeScript twin
 * (reader.ts), as for a scan.
 */
import { types } from 'node:util'

import { abortError, codeOf, optionTypeError, systemError } from '../errors'
import { groupsOf, mergeGroups, type RawGroupList } from '../groups'
import { binding, toRoot, toScanError } from '../native'
import { normalize, type Normalized } from '../options'
import { assemble, numberer, pathFields, TOTAL_KEYS, totalsOf, zeroTotals } from '../result'
import { backend } from '../scan'
import type { Num, Options, PathArg, Result, RootResult } from '../types'
import { toRoot as tsRoot } from '../walker/scan-ts'

import { type Listed, type LoadErrorInfo, LoadFailed, LoadStopped, LoadStrict, loadListing } from './reader'

/**
 * What a saved scan can honour: the rest need the file system the scan read. `groupBy`'s
 * owner, group and age and the time filters need the extended fields (`dirsize -o -e`,
 * `ncdu -e`); the one timestamp saved is the mtime.
 */
export type LoadOptions = Pick<Options, 'depth' | 'top' | 'bigint' | 'countLinks' | 'strict' | 'signal' | 'groupBy' | 'filter'> & {
  /** Only 'mtime': no export saves atime or ctime. */
  time?: 'mtime'
}

/** Options of a live scan that a saved scan cannot apply: refused, naming the option. */
export const FS_ONLY = ['followSymlinks', 'oneFileSystem', 'exclude', 'ignore', 'threads', 'onProgress', 'progressIntervalMs', 'onRoot'] as const

/** A saved scan that cannot be read to its end: the file, and where. */
export interface LoadError extends Error {
  code: string
  file: string
  /** Byte offset where reading stopped (in the decompressed data of a .gz); -1 if it never opened. */
  offset: number
  line: number
  column: number
}

/**
 * Saved scans as one Result: one root per file, in order, hard links shared between them
 * counted once (by device and inode), as a live scan of several roots. A file that cannot be
 * read to its end rejects (a `LoadError` naming it and the position): never a partial result.
 * Typed as `dirsize`: a value typed `LoadOptions` gives number, a `bigint` that is a plain
 * `boolean` number | bigint.
 */
export function loadScan(files: PathArg | readonly PathArg[], options: LoadOptions & { bigint: true }): Promise<Result<bigint>>
export function loadScan(files: PathArg | readonly PathArg[], options?: LoadOptions & { bigint?: false }): Promise<Result<number>>
export function loadScan(files: PathArg | readonly PathArg[], options: LoadOptions & { bigint: boolean }): Promise<Result<Num>>
export function loadScan(files: PathArg | readonly PathArg[], options?: LoadOptions): Promise<Result<number>>
export async function loadScan(files: PathArg | readonly PathArg[], options?: LoadOptions): Promise<Result<Num>> {
  return (await loadListed(normalizeLoad(files, options))).result
}

/** A non-directory entry of a saved scan, as `diff` compares them. */
export interface ListedEntry {
  path: string
  pathBuffer?: Buffer
  bytes: bigint
  diskBytes: bigint
  /** A regular file. */
  file: boolean
  depth: number
}

/**
 * The load behind `loadScan`; with `listDepth`, also every non-directory down to that depth,
 * per root (diff's use: files added and removed).
 */
export async function loadListed(n: Normalized, listDepth?: number): Promise<{ result: Result<Num>; listed?: ListedEntry[][] }> {
  const started = performance.now()
  if (n.signal?.aborted) throw abortError(n.signal)
  const b = backend === 'native' ? binding() : null
  if (b) {
    const token = new b.CancelToken()
    const onAbort = (): void => token.cancel()
    n.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const out = await b.loadScan(n.roots, n, token, listDepth)
      const result = nativeResult(out, n, started)
      const listed = out.listed?.map((root) => root.map((e) => ({ ...pathFields(e.path), bytes: e.bytes, diskBytes: e.diskBytes, file: e.file, depth: e.depth })))
      return listed ? { result, listed } : { result }
    } finally {
      n.signal?.removeEventListener('abort', onAbort)
    }
  }
  // The TypeScript twin runs on this thread: one turn of the event loop first, so an
  // abort already queued is seen.
  await new Promise((r) => setImmediate(r))
  return tsResult(n, started, listDepth)
}

/** The same, blocking the calling thread. */
export function loadScanSync(files: PathArg | readonly PathArg[], options: Omit<LoadOptions, 'signal'> & { bigint: true }): Result<bigint>
export function loadScanSync(files: PathArg | readonly PathArg[], options?: Omit<LoadOptions, 'signal'> & { bigint?: false }): Result<number>
export function loadScanSync(files: PathArg | readonly PathArg[], options: Omit<LoadOptions, 'signal'> & { bigint: boolean }): Result<Num>
export function loadScanSync(files: PathArg | readonly PathArg[], options?: Omit<LoadOptions, 'signal'>): Result<number>
export function loadScanSync(files: PathArg | readonly PathArg[], options?: Omit<LoadOptions, 'signal'>): Result<Num> {
  const n = normalizeLoad(files, options)
  if (n.signal !== undefined) throw optionTypeError('signal', 'absent in loadScanSync (it blocks the thread; use loadScan)', n.signal)
  const started = performance.now()
  const b = backend === 'native' ? binding() : null
  return b ? nativeResult(b.loadScanSync(n.roots, n), n, started) : tsResult(n, started).result
}

export function normalizeLoad(files: unknown, options: unknown): Normalized {
  const list = Array.isArray(files) ? (files as unknown[]) : [files]
  list.forEach((f, i) => {
    const name = Array.isArray(files) ? `files[${i}]` : 'files'
    if (typeof f === 'string' ? f.length === 0 : !(types.isUint8Array(f) && f.length > 0)) {
      throw optionTypeError(name, 'a saved scan\'s path: a non-empty string or Buffer', f)
    }
  })
  if (Array.isArray(files) && files.length === 0) throw optionTypeError('files', 'a path or a non-empty array of paths', files)
  if (options !== undefined && options !== null && typeof options === 'object') {
    for (const name of FS_ONLY) {
      const v = (options as Record<string, unknown>)[name]
      if (v !== undefined) throw optionTypeError(name, 'absent for a saved scan (it needs the file system the scan read)', v)
    }
    const time = (options as Record<string, unknown>).time
    if (time !== undefined && time !== 'mtime') {
      throw optionTypeError('time', "'mtime' or absent for a saved scan (no export saves atime or ctime)", time)
    }
  }
  return normalize(files, options)
}

type LoadOutcome = import('../../binding').LoadOutcome

function nativeResult(out: LoadOutcome, n: Normalized, started: number): Result<Num> {
  if (out.loadError) throw loadError({ ...out.loadError, errno: -out.loadError.errno })
  if (out.aborted) throw abortError(n.signal ?? AbortSignal.abort())
  if (out.strictError) throw systemError(toScanError(out.strictError))
  const r = out.result!
  const num = numberer(n)
  const roots = r.roots.map((root) => toRoot(root, num))
  const result = assemble(n, roots, totalsOf(r.totals, num), Number(r.errorCount), started, 'native')
  if (r.groups) result.groups = groupsOf(r.groups, num)
  return result
}

function tsResult(n: Normalized, started: number, listDepth?: number): { result: Result<Num>; listed?: ListedEntry[][] } {
  let walked
  let listed: Listed[][]
  try {
    ;({ roots: walked, listed } = loadListing(n.roots, n, () => n.signal?.aborted === true, listDepth))
  } catch (e) {
    if (e instanceof LoadFailed) throw loadError(e.info)
    if (e instanceof LoadStrict) throw e.walkError.error
    if (e instanceof LoadStopped) throw abortError(n.signal ?? AbortSignal.abort())
    throw e
  }
  if (n.signal?.aborted) throw abortError(n.signal)
  const num = numberer(n)
  const sum = zeroTotals()
  let errorCount = 0
  const groups: RawGroupList[] = []
  const roots: RootResult<Num>[] = walked.map((w) => {
    for (const k of TOTAL_KEYS) sum[k] += w[k]
    errorCount += w.errorCount
    if (w.groups) mergeGroups(groups, w.groups)
    return tsRoot(w, num)
  })
  const result = assemble(n, roots, totalsOf(sum, num), errorCount, started, 'typescript')
  if (n.groupBy.length > 0) result.groups = groupsOf(groups, num)
  if (listDepth === undefined) return { result }
  return { result, listed: listed.map((root) => root.map((e) => ({ ...e, ...pathFields(e.path) }))) }
}

/**
 * The error of a file that cannot be read to its end: a file that will not open is a system
 * error (ENOENT, EACCES) naming it; one that will not parse says where, by byte offset and
 * line:column (`ERR_INVALID_SAVED_SCAN`).
 */
function loadError(e: LoadErrorInfo): LoadError {
  const file = typeof e.file === 'string' ? e.file : e.file.toString()
  let err: LoadError
  if (e.offset < 0) {
    const sys = systemError({ path: file, code: '', errno: e.errno, message: e.message, syscall: 'open' }) as unknown as LoadError
    sys.code = codeOf(e.errno)
    sys.message = `cannot load '${file}': ${e.message}`
    err = sys
  } else {
    const where = `at byte ${e.offset}${e.gzip ? ' of its decompressed data' : ''} (line ${e.line}, column ${e.column})`
    err = new Error(`cannot load '${file}': ${e.message}, ${where}`) as LoadError
    err.code = 'ERR_INVALID_SAVED_SCAN'
  }
  err.file = file
  err.offset = e.offset
  err.line = e.line
  err.column = e.column
  return err
}
