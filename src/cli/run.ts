/**
 * One scan for the command line: each root handed to the output sink as it finishes, the
 * status line, Ctrl-C, --html, the exit code. Counts are bigint throughout, so every number
 * printed is exact.
 */
import fs from 'node:fs'

import { dirsize } from '../api'
import { type Counters, entryCount, TOTAL_KEYS, zeroTotals } from '../result'
import type { Progress, Result, RootResult, ScanError } from '../types'

import { type Flags, type Patterns, scanOptions } from './args'
import { showPath } from './format'
import { Interrupt } from './interrupt'
import type { Output } from './output'
import { statusLine } from './progress'
import { type PartialRoot, sinkFor } from './sinks'

type Root = RootResult<bigint>

/** A bad option value the API refused (an invalid glob, say): bad usage, as the caller reports it. */
export class UsageError extends Error {}

export async function run(flags: Flags, patterns: Patterns, stderr: NodeJS.WriteStream, output: Output): Promise<number> {
  const depth = flags.depth
  const exporting = flags.export === undefined ? undefined : (require('./export') as typeof import('./export')).exporting(flags, output)
  const sink = exporting?.sink ?? sinkFor(flags, output)
  const reportErrors = (errors: ScanError[], count: number): void => {
    for (const e of errors) output.err(`dirsize: cannot read '${showPath(e.path, e.pathBuffer)}': ${e.message}\n`)
    if (count > errors.length) output.err(`dirsize: ... and ${count - errors.length} more errors\n`)
  }

  const showProgress = flags.progress === true || (flags.progress !== false && stderr.isTTY === true)
  const status = showProgress ? statusLine(stderr, (s) => output.status(s)) : undefined
  if (status) output.beforeWrite = () => status.clear()
  const interrupt = new Interrupt()
  // Nobody left to print to: stop walking at once.
  output.onFailure = () => interrupt.stop()

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

  const total: Counters<bigint> = { ...zeroTotals(), errorCount: 0 }
  const answer = (r: Root): void => {
    if (page) pageRoots.push(r)
    r = page ? trimmedToFlags(r, depth, flags.top) : r
    reportErrors(r.errors, r.errorCount)
    for (const k of TOTAL_KEYS) total[k] += r[k]
    total.errorCount += r.errorCount
    sink.root(r)
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
  let groups: Result<bigint>['groups']
  let last: Progress | undefined
  try {
    if (scanned.length > 0) {
      // -f: the same call, answered from saved scans.
      const scanner = flags.load ? (require('./load') as typeof import('./load')).scanSaved : (exporting?.scan ?? dirsize)
      const result = (await scanner(scanned.map((i) => flags.paths[i]!), {
        ...scanOptions(flags, patterns),
        bigint: true,
        depth: scanDepth,
        top: scanTop,
        signal: interrupt.signal,
        onRoot: onRoot as (r: RootResult<number | bigint>) => void,
        // Watched where it shows: the status line, and on Ctrl-C the text output's partial
        // line (the last counters, less the finished roots) for the root under way.
        onProgress: status || sink.showsPartial
          ? (p: Progress) => {
              last = p
              status?.update(p)
            }
          : undefined,
      })) as Result<bigint>
      elapsedMs = result.elapsedMs
      groups = result.groups
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
      exporting?.done()
    } else {
      answerEmptyUpTo(flags.paths.length)
    }
  } catch (e) {
    status?.clear()
    if (output.failure) return 1 // the caller says why, or stays quiet for a closed pipe
    if (interrupt.interrupted) {
      const under = scanned[delivered]
      let partial: PartialRoot | undefined
      if (sink.showsPartial && under !== undefined && last) {
        answerEmptyUpTo(under)
        const p = flags.paths[under]!
        partial = {
          path: p.toString(),
          pathBuffer: typeof p === 'string' ? undefined : p,
          // The progress counters run over every root so far: less the finished ones.
          bytes: BigInt(last.bytes) - total.bytes,
          diskBytes: BigInt(last.diskBytes) - total.diskBytes,
          entries: entryCount(last) - Number(entryCount(total)),
        }
      }
      sink.interrupted(partial)
      return 130
    }
    const code = (e as { code?: string }).code
    // What the API refuses is an option the command line passed on: bad usage.
    if ((e instanceof TypeError || e instanceof RangeError) && code?.startsWith('ERR_')) throw new UsageError((e as Error).message)
    output.err(`dirsize: ${(e as Error).message}\n`)
    return 1
  } finally {
    interrupt.dispose()
  }
  status?.clear()

  sink.end(total, elapsedMs, groups)
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
function trimmedToFlags(r: Root, depth: number | undefined, top: number | undefined): Root {
  const tree = depth === undefined ? undefined : r.tree?.filter((e) => e.depth <= depth)
  const largest = top ? r.largest?.slice(0, top) : undefined
  const { tree: _tree, largest: _largest, ...rest } = r
  return { ...rest, ...(tree ? { tree } : {}), ...(largest ? { largest } : {}) }
}

type Numbers<T> = T extends bigint ? number : T extends Buffer ? T : T extends object ? { [K in keyof T]: Numbers<T[K]> } : T

/** The HTML page draws with numbers; it needs no exact digits (a treemap has no 17th digit). */
function numbers<T>(v: T): Numbers<T> {
  if (typeof v === 'bigint') return Number(v) as Numbers<T>
  if (Array.isArray(v)) return v.map(numbers) as Numbers<T>
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v as Numbers<T>
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbers(x)])) as Numbers<T>
}
