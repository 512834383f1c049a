/** Builds the public Result from per-root results, whichever backend produced them. */
import { systemError } from './errors'
import type { Normalized } from './options'
import type { Backend, Num, Progress, Result, RootResult, Totals } from './types'

export type Numberer = (v: bigint) => Num

export function numberer(n: Normalized): Numberer {
  return n.bigint ? (v) => v : (v) => Number(v)
}

export function totalsOf(t: Record<keyof Totals, bigint>, num: Numberer): Totals<Num> {
  return {
    bytes: num(t.bytes),
    diskBytes: num(t.diskBytes),
    files: num(t.files),
    dirs: num(t.dirs),
    symlinks: num(t.symlinks),
    others: num(t.others),
  }
}

/** A path for the Result: its UTF-8 reading, plus the exact bytes when that reading is lossy. */
export function pathFields(p: string | Buffer): { path: string; pathBuffer?: Buffer } {
  if (typeof p === 'string') return { path: p }
  const path = p.toString('utf8')
  return Buffer.from(path).equals(p) ? { path } : { path, pathBuffer: p }
}

/** A single root that could not be read rejects, as fs.lstat would. */
export function throwIfSingleRootFailed(n: Normalized, roots: RootResult<Num>[]): void {
  const first = roots[0]
  if (n.single && first?.rootError) throw systemError(first.rootError)
}

export function assemble(
  n: Normalized,
  roots: RootResult<Num>[],
  totals: Totals<Num>,
  errorCount: number,
  started: number,
  backend: Backend,
): Result<Num> {
  const result: Result<Num> = {
    ...totals,
    errors: roots.flatMap((r) => r.errors),
    errorCount,
    elapsedMs: performance.now() - started,
    backend,
  }
  if (n.depth !== undefined) result.tree = roots.flatMap((r) => r.tree ?? [])
  if (n.top > 0) {
    result.largest = roots
      .flatMap((r) => r.largest ?? [])
      .sort((a, b) => (a.bytes < b.bytes ? 1 : a.bytes > b.bytes ? -1 : 0))
      .slice(0, n.top)
  }
  if (!n.single && !n.onRoot) result.roots = roots
  return result
}

export function finalProgress(r: Result<Num>): Progress {
  return {
    files: Number(r.files),
    dirs: Number(r.dirs),
    symlinks: Number(r.symlinks),
    others: Number(r.others),
    bytes: Number(r.bytes),
    diskBytes: Number(r.diskBytes),
    errors: r.errorCount,
    elapsedMs: r.elapsedMs,
  }
}

/** Entries counted: files, directories, symlinks and the rest. */
export function entryCount(t: { files: number; dirs: number; symlinks: number; others: number }): number {
  return t.files + t.dirs + t.symlinks + t.others
}

/** A root's counters, as the CLI's JSON and the HTML report list them. */
export interface Counters {
  bytes: number
  diskBytes: number
  files: number
  dirs: number
  symlinks: number
  others: number
  errorCount: number
}

export function countersOf(r: RootResult<number>): Counters {
  return { bytes: r.bytes, diskBytes: r.diskBytes, files: r.files, dirs: r.dirs, symlinks: r.symlinks, others: r.others, errorCount: r.errorCount }
}
