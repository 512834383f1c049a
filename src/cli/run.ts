/**
 * One scan for the command line: lines (or JSON) as each root finishes, the status line, the
 * exit code. Counts are bigint throughout, so every number printed is exact.
 */
import fs from 'node:fs'

import { dirsize } from '../api'
import { type Counters } from '../result'
import type { Progress, Result, RootResult, ScanError } from '../types'

import type { Flags } from './args'
import { pathBytes, showPath } from './format'
import { toJson } from './json'
import type { Output } from './output'
import { statusLine } from './progress'
import { formatSize } from './units'

type Root = RootResult<bigint>

export interface Scan {
  /** --exclude and the patterns of the -X files. */
  exclude: string[]
  ignore?: RegExp
}

/** A bad option value the API refused (an invalid glob, say): bad usage, as the caller reports it. */
export class UsageError extends Error {}

export async function run(flags: Flags, scan: Scan, stderr: NodeJS.WriteStream, output: Output): Promise<number> {
  const depth = flags.depth
  const eol = flags.null ? '\0' : '\n'
  const human = flags.units.kind === 'human'
  const size = (r: { bytes: bigint; diskBytes: bigint }): string => formatSize(flags.apparent ? r.bytes : r.diskBytes, flags.units)
  const line = (n: string, path: string, raw?: Buffer): void => {
    if (flags.null) {
      output.out(Buffer.concat([Buffer.from(`${n}\t`), pathBytes(path, raw), Buffer.from(eol)]))
    } else {
      output.out(`${n}\t${showPath(path, raw)}${eol}`)
    }
  }
  const reportErrors = (errors: ScanError[], count: number): void => {
    for (const e of errors) output.err(`dirsize: cannot read '${showPath(e.path, e.pathBuffer)}': ${e.message}\n`)
    if (count > errors.length) output.err(`dirsize: ... and ${count - errors.length} more errors\n`)
  }

  const showProgress = flags.progress === true || (flags.progress !== false && stderr.isTTY === true)
  const status = showProgress ? statusLine(stderr, (s) => output.status(s)) : undefined
  if (status) output.beforeWrite = () => status.clear()
  const ac = new AbortController()
  let interrupted = false
  const onSigint = (): void => {
    interrupted = true
    ac.abort()
  }
  process.once('SIGINT', onSigint)
  // Nobody left to print to: stop walking at once.
  output.onFailure = () => ac.abort()

  // --html: one scan for both the page (deeper breakdown, longer top list) and the lines.
  const page = flags.html === undefined ? undefined : (require('../report/index') as typeof import('../report/index'))
  const scanDepth = page ? Math.max(depth ?? 0, page.REPORT_DEPTH) : depth
  const scanTop = page ? Math.max(flags.top ?? 0, page.REPORT_TOP) : flags.top
  const pageRoots: Root[] = []

  // An empty path is an error of that argument alone, as with du ("cannot access ''"); the
  // API refuses it outright, so it is answered here, in its place among the others.
  const scanned = flags.paths.flatMap((p, i) => (p === '' ? [] : [i]))
  let next = 0 // the next argument to answer, in the order given
  let delivered = 0 // roots the scan has handed back

  const kept: object[] = []
  const total: Counters<bigint> = { bytes: 0n, diskBytes: 0n, files: 0n, dirs: 0n, symlinks: 0n, others: 0n, errorCount: 0 }
  const answer = (r: Root): void => {
    if (page) pageRoots.push(r)
    r = page ? asked(r, depth, flags.top) : r
    reportErrors(r.errors, r.errorCount)
    total.bytes += r.bytes
    total.diskBytes += r.diskBytes
    total.files += r.files
    total.dirs += r.dirs
    total.symlinks += r.symlinks
    total.others += r.others
    total.errorCount += r.errorCount
    if (flags.json || flags.ndjson) {
      const doc = rootJson(r)
      if (flags.ndjson) output.out(`${toJson(doc)}\n`)
      else kept.push(doc)
      return
    }
    if (r.rootError) return // as du: the error on stderr, no line
    // Nothing counted and no error: the root was already counted under an earlier one, or
    // its name is excluded. du prints no line for it either.
    if (r.files + r.dirs + r.symlinks + r.others === 0n) return
    if (depth !== undefined && r.tree) {
      for (const e of r.tree) line(size(e), e.path, e.pathBuffer)
    } else {
      line(size(r), r.path, r.pathBuffer)
    }
    if (r.largest && r.largest.length > 0) {
      output.out(`Largest files in ${showPath(r.path, r.pathBuffer)}:${eol}`)
      for (const f of r.largest) line(`  ${size(f).padStart(human ? 6 : 12)}`, f.path, f.pathBuffer)
    }
  }
  const answerEmptyUpTo = (end: number): void => {
    for (; next < end; next++) answer(emptyRoot())
  }
  const onRoot = (r: Root): void => {
    if (output.failure) return
    const at = scanned[delivered++]!
    answerEmptyUpTo(at)
    answer(r)
    next = at + 1
  }

  let elapsedMs = 0
  let last: Progress | undefined
  try {
    if (scanned.length > 0) {
      const result = (await dirsize(scanned.map((i) => flags.paths[i]!), {
        bigint: true,
        countLinks: flags.countLinks,
        followSymlinks: flags.dereference,
        oneFileSystem: flags.oneFileSystem,
        exclude: scan.exclude,
        ignore: scan.ignore,
        depth: scanDepth,
        top: scanTop,
        threads: flags.threads,
        signal: ac.signal,
        onRoot: onRoot as (r: RootResult<number | bigint>) => void,
        // Always watched: on Ctrl-C the last counters are the partial size of the root under way.
        onProgress: (p: Progress) => {
          last = p
          status?.update(p)
        },
      })) as Result<bigint>
      elapsedMs = result.elapsedMs
      answerEmptyUpTo(flags.paths.length)
      if (page && flags.html !== undefined) {
        try {
          fs.writeFileSync(flags.html, page.renderReport(numbers(result), numbers(pageRoots)))
        } catch (e) {
          output.err(`dirsize: --html: ${(e as Error).message}\n`)
          return 1
        }
        output.err(`dirsize: wrote ${flags.html}\n`)
      }
    } else {
      answerEmptyUpTo(flags.paths.length)
    }
  } catch (e) {
    status?.clear()
    if (output.failure) return 1 // the caller says why, or stays quiet for a closed pipe
    if (interrupted) {
      // --json: no half document. Text: what was counted of the root under way, marked partial.
      const under = scanned[delivered]
      if (!flags.json && !flags.ndjson && under !== undefined && last) {
        const partial = { bytes: BigInt(last.bytes) - total.bytes, diskBytes: BigInt(last.diskBytes) - total.diskBytes }
        answerEmptyUpTo(under)
        const p = flags.paths[under]!
        line(size(partial), p.toString(), typeof p === 'string' ? undefined : p)
        const counted = last.files + last.dirs + last.symlinks + last.others - Number(total.files + total.dirs + total.symlinks + total.others)
        output.err(`dirsize: interrupted: the last line is partial (${counted.toLocaleString('en-US')} entries counted so far)\n`)
      } else if (!flags.json) {
        output.err('dirsize: interrupted\n')
      }
      return 130
    }
    const code = (e as { code?: string }).code
    // What the API refuses is an option the command line passed on: bad usage.
    if ((e instanceof TypeError || e instanceof RangeError) && code?.startsWith('ERR_')) throw new UsageError((e as Error).message)
    output.err(`dirsize: ${(e as Error).message}\n`)
    return 1
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  status?.clear()

  const elapsed = Math.round(elapsedMs * 1000) / 1000
  if (flags.json) {
    output.out(`${toJson({ roots: kept, total, elapsedMs: elapsed }, true)}\n`)
  } else if (flags.ndjson) {
    output.out(`${toJson({ total, elapsedMs: elapsed })}\n`)
  } else if (flags.total) {
    line(size(total), 'total')
  }
  return total.errorCount > 0 ? 1 : 0
}

/** What du says of '': no such file or directory. */
function emptyRoot(): Root {
  const error: ScanError = { path: '', code: 'ENOENT', errno: -2, message: 'No such file or directory', syscall: 'lstat' }
  return { path: '', bytes: 0n, diskBytes: 0n, files: 0n, dirs: 0n, symlinks: 0n, others: 0n, errors: [error], errorCount: 1, rootError: error }
}

/**
 * A root trimmed to what the command line asked for: with --html the scan collects the
 * page's deeper breakdown and longer top list, and the lines show only the asked part.
 */
function asked(r: Root, depth: number | undefined, top: number | undefined): Root {
  const tree = depth === undefined ? undefined : r.tree?.filter((e) => e.depth <= depth)
  const largest = top ? r.largest?.slice(0, top) : undefined
  const { tree: _tree, largest: _largest, ...rest } = r
  return { ...rest, ...(tree ? { tree } : {}), ...(largest ? { largest } : {}) }
}

/** A root as JSON: exact integers; a path that is not UTF-8 also comes as base64. */
function rootJson(r: Root): object {
  const withRaw = <T extends { pathBuffer?: Buffer }>(v: T): object => {
    const { pathBuffer, ...rest } = v
    return pathBuffer ? { ...rest, pathBase64: pathBuffer.toString('base64') } : rest
  }
  const doc: Record<string, unknown> = {
    path: r.path,
    bytes: r.bytes,
    diskBytes: r.diskBytes,
    files: r.files,
    dirs: r.dirs,
    symlinks: r.symlinks,
    others: r.others,
    errorCount: r.errorCount,
    errors: r.errors.map((e) => withRaw({ path: e.path, pathBuffer: e.pathBuffer, code: e.code, message: e.message })),
  }
  if (r.pathBuffer) doc.pathBase64 = r.pathBuffer.toString('base64')
  if (r.tree) doc.tree = r.tree.map(withRaw)
  if (r.largest) doc.largest = r.largest.map(withRaw)
  return doc
}

type Numbers<T> = T extends bigint ? number : T extends Buffer ? T : T extends object ? { [K in keyof T]: Numbers<T[K]> } : T

/** The HTML page draws with numbers; it needs no exact digits (a treemap has no 17th digit). */
function numbers<T>(v: T): Numbers<T> {
  if (typeof v === 'bigint') return Number(v) as Numbers<T>
  if (Array.isArray(v)) return v.map(numbers) as Numbers<T>
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v as Numbers<T>
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbers(x)])) as Numbers<T>
}
