/**
 * `diff(old, new)`: what changed between two scans of a tree, each a saved scan (a file) or a
 * live path (a directory, scanned now). Built on the depth-N breakdown of both sides (du -d
 * N's directories) and the non-directories down to depth N, matched by their path below the
 * root, so the two roots may sit at different paths (a scan saved on another host).
 */
import fs from 'node:fs'

import { dirsize } from './api'
import { optionRangeError, optionTypeError } from './errors'
import { type ListedEntry, loadListed, normalizeLoad } from './load/index'
import { pathFields, TOTAL_KEYS } from './result'
import type { Num, PathArg, Result, ScanError, Totals, TreeEntry } from './types'

export interface DiffOptions {
  /** Directories (and the files in them) down to this depth (root = 0); default 2, as `dirsize diff`. */
  depth?: number
  /** Count every hard link of a file (du -l). */
  countLinks?: boolean
  /** Sizes and counts as bigint. */
  bigint?: boolean
  /** Aborting rejects with an AbortError. */
  signal?: AbortSignal
}

/** Sizes and the regular files under an entry. */
export interface Sizes<N extends Num = number> {
  bytes: N
  diskBytes: N
  files: N
}

/** One side of a diff: its root, what it holds, and whether it was a saved scan. */
export interface DiffSide<N extends Num = number> extends Totals<N> {
  path: string
  pathBuffer?: Buffer
  /** Read from a saved scan (else scanned now). */
  saved: boolean
  errors: ScanError[]
  errorCount: number
}

export interface DiffEntry<N extends Num = number> {
  /** Its path on the side it is on (the new one unless it was removed). */
  path: string
  pathBuffer?: Buffer
  depth: number
  kind: 'dir' | 'file'
  status: 'added' | 'removed' | 'changed'
  old?: Sizes<N>
  new?: Sizes<N>
  /** new - old: negative when it shrank. */
  change: Sizes<N>
}

export interface DiffResult<N extends Num = number> {
  old: DiffSide<N>
  new: DiffSide<N>
  /** new - old, for every total. */
  change: Totals<N>
  /** Every entry that changed, largest absolute change in disk usage first (then in bytes, then by path). */
  entries: DiffEntry<N>[]
  elapsedMs: number
}

interface Side {
  result: Result<bigint>
  root: string | Buffer
  saved: boolean
  /** By path below the root (latin1 of its bytes): sizes, kind, depth, and the path itself. */
  entries: Map<string, { sizes: Sizes<bigint>; kind: 'dir' | 'file'; depth: number; path: string; pathBuffer?: Buffer }>
}

export function diff(oldSide: PathArg, newSide: PathArg, options: DiffOptions & { bigint: true }): Promise<DiffResult<bigint>>
export function diff(oldSide: PathArg, newSide: PathArg, options?: DiffOptions & { bigint?: false }): Promise<DiffResult<number>>
export function diff(oldSide: PathArg, newSide: PathArg, options?: DiffOptions): Promise<DiffResult<Num>>
export async function diff(oldSide: PathArg, newSide: PathArg, options?: DiffOptions): Promise<DiffResult<Num>> {
  const started = performance.now()
  const o = checkOptions(options)
  const [a, b] = [await side(oldSide, 'old', o), await side(newSide, 'new', o)]
  const num = o.bigint ? (v: bigint): Num => v : (v: bigint): Num => Number(v)
  const sizes = (s: Sizes<bigint>): Sizes<Num> => ({ bytes: num(s.bytes), diskBytes: num(s.diskBytes), files: num(s.files) })
  const entries: Array<DiffEntry<Num> & { key: Sizes<bigint> }> = []
  for (const key of new Set([...a.entries.keys(), ...b.entries.keys()])) {
    const x = a.entries.get(key)
    const y = b.entries.get(key)
    const zero = { bytes: 0n, diskBytes: 0n, files: 0n }
    const before = x?.sizes ?? zero
    const after = y?.sizes ?? zero
    const change = { bytes: after.bytes - before.bytes, diskBytes: after.diskBytes - before.diskBytes, files: after.files - before.files }
    // A directory and a file of the same name are two entries, one gone and one new.
    if (x && y && x.kind !== y.kind) {
      entries.push(entryOf(x, 'removed', x.sizes, undefined, negate(x.sizes), sizes))
      entries.push(entryOf(y, 'added', undefined, y.sizes, y.sizes, sizes))
      continue
    }
    if (x && y && change.bytes === 0n && change.diskBytes === 0n && change.files === 0n) continue
    entries.push(entryOf((y ?? x)!, !x ? 'added' : !y ? 'removed' : 'changed', x?.sizes, y?.sizes, change, sizes))
  }
  const abs = (v: bigint): bigint => (v < 0n ? -v : v)
  entries.sort((p, q) => {
    const d = abs(q.key.diskBytes) - abs(p.key.diskBytes)
    if (d !== 0n) return d > 0n ? 1 : -1
    const e = abs(q.key.bytes) - abs(p.key.bytes)
    if (e !== 0n) return e > 0n ? 1 : -1
    return Buffer.compare(Buffer.from(p.pathBuffer ?? p.path), Buffer.from(q.pathBuffer ?? q.path))
  })
  const change = {} as Totals<Num>
  for (const k of TOTAL_KEYS) change[k] = num(b.result[k] - a.result[k])
  return {
    old: sideOf(a, num),
    new: sideOf(b, num),
    change,
    entries: entries.map(({ key: _key, ...e }) => e),
    elapsedMs: performance.now() - started,
  }
}

function negate(s: Sizes<bigint>): Sizes<bigint> {
  return { bytes: -s.bytes, diskBytes: -s.diskBytes, files: -s.files }
}

function entryOf(
  at: { path: string; pathBuffer?: Buffer; depth: number; kind: 'dir' | 'file' },
  status: DiffEntry['status'],
  before: Sizes<bigint> | undefined,
  after: Sizes<bigint> | undefined,
  change: Sizes<bigint>,
  sizes: (s: Sizes<bigint>) => Sizes<Num>,
): DiffEntry<Num> & { key: Sizes<bigint> } {
  const e: DiffEntry<Num> & { key: Sizes<bigint> } = { path: at.path, depth: at.depth, kind: at.kind, status, change: sizes(change), key: change }
  if (at.pathBuffer) e.pathBuffer = at.pathBuffer
  if (before) e.old = sizes(before)
  if (after) e.new = sizes(after)
  return e
}

function sideOf(s: Side, num: (v: bigint) => Num): DiffSide<Num> {
  const r = s.result
  const out: DiffSide<Num> = { ...pathFields(s.root), saved: s.saved, errors: r.errors, errorCount: r.errorCount } as DiffSide<Num>
  for (const k of TOTAL_KEYS) out[k] = num(r[k])
  return out
}

interface Checked {
  depth: number
  countLinks: boolean
  bigint: boolean
  signal?: AbortSignal
}

function checkOptions(options: unknown): Checked {
  if (options === undefined || options === null) return { depth: 2, countLinks: false, bigint: false }
  if (typeof options !== 'object' || Array.isArray(options)) throw optionTypeError('options', 'an object', options)
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!['depth', 'countLinks', 'bigint', 'signal'].includes(key)) {
      const err = new TypeError(`dirsize: unknown diff option ${JSON.stringify(key)}`) as TypeError & { code: string }
      err.code = 'ERR_INVALID_ARG_VALUE'
      throw err
    }
  }
  const depth = o.depth ?? 2
  if (typeof depth !== 'number') throw optionTypeError('depth', 'an integer', depth)
  if (!Number.isInteger(depth) || depth < 0 || depth > 0xffff_ffff) throw optionRangeError('depth', 'an integer from 0 to 4294967295', depth)
  for (const name of ['countLinks', 'bigint'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw optionTypeError(name, 'a boolean', o[name])
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw optionTypeError('signal', 'an AbortSignal', o.signal)
  return { depth, countLinks: o.countLinks === true, bigint: o.bigint === true, signal: o.signal as AbortSignal | undefined }
}

/** The bytes below the root: `root/a/b` is `a/b`. */
function below(root: Buffer, p: Buffer): Buffer {
  if (p.length <= root.length) return Buffer.alloc(0)
  let rest = p.subarray(root.length)
  while (rest[0] === 0x2f || (process.platform === 'win32' && rest[0] === 0x5c)) rest = rest.subarray(1)
  return rest
}

const bytesOf = (p: { path: string; pathBuffer?: Buffer }): Buffer => p.pathBuffer ?? Buffer.from(p.path)

/** One side: a regular file is a saved scan; anything else is scanned now. */
async function side(p: PathArg, name: 'old' | 'new', o: Checked): Promise<Side> {
  if (typeof p === 'string' ? p.length === 0 : !Buffer.isBuffer(p) || p.length === 0) {
    throw optionTypeError(name, 'a saved scan or a path: a non-empty string or Buffer', p)
  }
  let saved = false
  try {
    saved = fs.statSync(p).isFile()
  } catch {
    // Not there: the scan says so, as a live scan of a missing path does.
  }
  const opts = { depth: o.depth, countLinks: o.countLinks, bigint: true as const, signal: o.signal }
  let result: Result<bigint>
  let listed: Array<{ path: string; pathBuffer?: Buffer; bytes: bigint; diskBytes: bigint; file: boolean; depth: number }>
  let root: string | Buffer
  if (saved) {
    const loaded = await loadListed(normalizeLoad([p], opts), o.depth)
    // One file, asked for as an array: its one root carries the path the file saved.
    const { roots, ...whole } = loaded.result as Result<bigint>
    result = whole
    root = roots![0]!.pathBuffer ?? roots![0]!.path
    listed = (loaded.listed?.[0] ?? []) as ListedEntry[]
  } else {
    result = await dirsize(p, opts)
    root = p
    listed = await listFiles(result.tree ?? [], o.depth)
  }
  const rootBytes = Buffer.isBuffer(root) ? root : Buffer.from(root)
  const entries: Side['entries'] = new Map()
  for (const e of result.tree ?? []) {
    entries.set(below(rootBytes, bytesOf(e)).toString('latin1'), { sizes: { bytes: e.bytes, diskBytes: e.diskBytes, files: e.files }, kind: 'dir', depth: e.depth, ...pathFields(bytesOf(e)) })
  }
  for (const f of listed) {
    if (f.depth === 0) continue // a root that is a file: its line is the tree's
    entries.set(below(rootBytes, bytesOf(f)).toString('latin1'), { sizes: { bytes: f.bytes, diskBytes: f.diskBytes, files: f.file ? 1n : 0n }, kind: 'file', depth: f.depth, ...pathFields(bytesOf(f)) })
  }
  return { result, root, saved, entries }
}

/**
 * A live side's non-directories down to `depth`: the entries of every listed directory above
 * that depth, each lstat'ed (the walker keeps no per-file list; these few levels are cheap).
 */
async function listFiles(tree: TreeEntry<bigint>[], depth: number): Promise<Array<{ path: string; pathBuffer?: Buffer; bytes: bigint; diskBytes: bigint; file: boolean; depth: number }>> {
  const out: Array<{ path: string; pathBuffer?: Buffer; bytes: bigint; diskBytes: bigint; file: boolean; depth: number }> = []
  for (const dir of tree) {
    if (dir.depth >= depth) continue
    const at = bytesOf(dir)
    let names: Buffer[]
    try {
      names = await fs.promises.readdir(at, { encoding: 'buffer' })
    } catch {
      continue // the scan reported it
    }
    for (const name of names) {
      const p = Buffer.concat([at, at[at.length - 1] === 0x2f ? Buffer.alloc(0) : Buffer.from('/'), name])
      let st: fs.BigIntStats
      try {
        st = await fs.promises.lstat(p, { bigint: true })
      } catch {
        continue
      }
      if (st.isDirectory()) continue
      out.push({ ...pathFields(p), bytes: st.size, diskBytes: st.blocks * 512n, file: st.isFile(), depth: dir.depth + 1 })
    }
  }
  return out
}
