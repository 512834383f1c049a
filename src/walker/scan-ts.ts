/**
 * The TypeScript backend: the same Result as the native one, from the walker on worker
 * threads (parallel.ts) where it fits, else serially on this thread.
 */
import { abortError, scanError } from '../errors'
import type { Normalized } from '../options'
import { ProgressPacer } from '../progress'
import {
  assemble, finalProgress, numberer, type Numberer, pathFields, progressOf, throwIfSingleRootFailed, TOTAL_KEYS, totalsOf,
  zeroTotals,
} from '../result'
import { groupsOf, mergeGroups, type RawGroupList } from '../groups'
import type { Num, Result, RootResult, ScanError } from '../types'

import { type Joiner, StrictError, type WalkError, type WalkRoot, walkRoots } from './core'
import { type AsyncFs, runCustomAsync, runNodeAsync, runNodeSync, timesUnread } from './drivers'
import type { ExportTree } from './export'
import { ParallelWalk, parallelFits } from './parallel'

export interface TsScanExtras {
  /** A caller's fs (get-folder-size's `fs` option); default: node:fs with Buffer paths. */
  fs?: AsyncFs
  join?: Joiner
  /** Also save the scan in ncdu's format (export.ts). */
  export?: ExportTree
}

function toScanError(e: WalkError): ScanError & { error: NodeJS.ErrnoException } {
  const p = pathFields(e.path)
  const out = scanError(p.path, e.errno, e.message, e.syscall, p.pathBuffer) as ScanError & { error: NodeJS.ErrnoException }
  out.code = e.code
  // The fs's own Error object, not enumerable: compat layers hand it on as it is.
  Object.defineProperty(out, 'error', { value: e.error, enumerable: false })
  return out
}

export function toRoot(r: WalkRoot, num: Numberer): RootResult<Num> {
  const root: RootResult<Num> = {
    ...pathFields(r.path),
    ...totalsOf(r, num),
    errors: r.errors.map(toScanError),
    errorCount: r.errorCount,
  }
  if (r.rootError) root.rootError = toScanError(r.rootError)
  if (r.tree) {
    root.tree = r.tree.map((e) => ({ ...pathFields(e.path), bytes: num(e.bytes), diskBytes: num(e.diskBytes), files: num(e.files), depth: e.depth }))
  }
  if (r.largest) root.largest = r.largest.map((f) => ({ ...pathFields(f.path), bytes: num(f.bytes), diskBytes: num(f.diskBytes) }))
  if (r.groups) root.groups = groupsOf(r.groups, num)
  return root
}

/** Gathers finished roots: the running sums, and each root handed on or kept. */
function collector(n: Normalized, num: Numberer) {
  const roots: RootResult<Num>[] = []
  const sum = zeroTotals()
  let errorCount = 0
  const groups: RawGroupList[] = []
  return {
    each(r: WalkRoot): void {
      for (const k of TOTAL_KEYS) sum[k] += r[k]
      errorCount += r.errorCount
      if (r.groups) mergeGroups(groups, r.groups)
      const root = toRoot(r, num)
      if (n.onRoot) n.onRoot(root)
      else roots.push(root)
    },
    result(started: number): Result<Num> {
      throwIfSingleRootFailed(n, roots)
      const result = assemble(n, roots, totalsOf(sum, num), errorCount, started, 'typescript')
      if (n.groupBy.length > 0) result.groups = groupsOf(groups, num)
      return result
    },
  }
}

export async function scanTs(n: Normalized, extras: TsScanExtras = {}): Promise<Result<Num>> {
  const started = performance.now()
  const { signal, onProgress } = n
  if (signal?.aborted) throw abortError(signal)
  const collect = collector(n, numberer(n))
  const live = { ...zeroTotals(), errors: 0 }
  // The walk runs on this thread too: each call is timed, and the next one waits the interval
  // or nine times that call's duration, whichever is longer (the pacer), so a slow callback
  // takes at most a tenth of the thread from the walk. A throw stops the walk and rejects.
  let failed: { error: unknown } | undefined
  let timer: NodeJS.Timeout | undefined
  const pacer = onProgress ? new ProgressPacer(onProgress, n.progressIntervalMs) : undefined
  // A caller's fs or path joiner cannot cross into a worker, and the export's tree is
  // written as the walk goes, on this thread: those walks stay serial.
  const parallel = !extras.fs && !extras.join && !extras.export && parallelFits(n) ? new ParallelWalk(n, { buffers: true, live, stopped: () => stopped() }) : undefined
  const tick = (): void => {
    try {
      const now = parallel ? parallel.progress() : live
      pacer!.offer(() => progressOf(now, now.errors, performance.now() - started))
    } catch (e) {
      failed = { error: e }
      parallel?.stop()
      return
    }
    timer = setTimeout(tick, pacer!.wait()).unref()
  }
  if (pacer) timer = setTimeout(tick, n.progressIntervalMs).unref()
  const stopped = (): boolean => signal?.aborted === true || failed !== undefined
  const onAbort = (): void => parallel?.stop()
  signal?.addEventListener('abort', onAbort)
  try {
    if (parallel) {
      await parallel.run(collect.each)
    } else {
      const walk = walkRoots(n, { buffers: !extras.fs, join: extras.join, stopped, live, export: extras.export }, collect.each)
      if (extras.fs) await runCustomAsync(walk, extras.fs)
      else await runNodeAsync(walk)
    }
  } catch (e) {
    throw e instanceof StrictError ? strictError(e) : e
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
  if (failed) throw failed.error
  if (signal?.aborted) throw abortError(signal)
  const result = collect.result(started)
  onProgress?.(finalProgress(result))
  return result
}

export function scanTsSync(n: Normalized): Result<Num> {
  const started = performance.now()
  const collect = collector(n, numberer(n))
  try {
    runNodeSync(walkRoots(n, { buffers: true }, collect.each), timesUnread(n))
  } catch (e) {
    throw e instanceof StrictError ? strictError(e) : e
  }
  return collect.result(started)
}

/** Under `strict`, the first error: the fs's own Error object, as fs would have thrown it. */
function strictError(e: StrictError): Error {
  return e.walkError.error
}
