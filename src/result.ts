/** Builds the public Result from per-root results, whichever backend produced them. */
import { systemError } from './errors'
import type { Normalized } from './options'
import type { Backend, Num, Progress, Result, RootResult, Totals } from './types'

export type Numberer = (v: bigint) => Num

export function numberer(n: Normalized): Numberer {
  return n.bigint ? (v) => v : (v) => Number(v)
}

/** The keys of Totals, in the order the Result lists them; the type checks that none is missing. */
export const TOTAL_KEYS = ['bytes', 'diskBytes', 'files', 'dirs', 'symlinks', 'others'] as const satisfies ReadonlyArray<keyof Totals>
true satisfies (keyof Totals extends (typeof TOTAL_KEYS)[number] ? true : false)

/** All counters at zero, for a walk to add to. */
export function zeroTotals(): Totals<bigint> {
  return { bytes: 0n, diskBytes: 0n, files: 0n, dirs: 0n, symlinks: 0n, others: 0n }
}

export function totalsOf(t: Totals<bigint>, num: Numberer): Totals<Num> {
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

/** A progress report from totals of either number type (the walk's bigints, a Result's). */
export function progressOf(t: Totals<Num>, errors: number, elapsedMs: number): Progress {
  return {
    files: Number(t.files),
    dirs: Number(t.dirs),
    symlinks: Number(t.symlinks),
    others: Number(t.others),
    bytes: Number(t.bytes),
    diskBytes: Number(t.diskBytes),
    errors,
    elapsedMs,
  }
}

/** The last progress call of a scan: the Result's own totals. */
export function finalProgress(r: Result<Num>): Progress {
  return progressOf(r, r.errorCount, r.elapsedMs)
}

/** Entries counted: files, directories, symlinks and the rest. */
export function entryCount(t: Pick<Totals<number>, 'files' | 'dirs' | 'symlinks' | 'others'>): number
export function entryCount(t: Pick<Totals<bigint>, 'files' | 'dirs' | 'symlinks' | 'others'>): bigint
export function entryCount(t: Pick<Totals<Num>, 'files' | 'dirs' | 'symlinks' | 'others'>): Num {
  return (t.files as number) + (t.dirs as number) + (t.symlinks as number) + (t.others as number)
}

/** A root's counters, as the CLI's JSON and the HTML report list them. */
export type Counters<N extends Num = number> = Totals<N> & { errorCount: number }

export function countersOf<N extends Num>(r: RootResult<N>): Counters<N> {
  return { bytes: r.bytes, diskBytes: r.diskBytes, files: r.files, dirs: r.dirs, symlinks: r.symlinks, others: r.others, errorCount: r.errorCount }
}
