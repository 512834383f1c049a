/**
 * The public functions: each checks its arguments once (normalize) and hands the scan to
 * the backend that answers (scan.ts). The root index only re-exports this.
 */
import { optionTypeError } from './errors'
import { normalize } from './options'
import type { ReportOptions } from './report/index'
import { scan, scanSync } from './scan'
import type { Num, Options, PathArg, Result } from './types'

import type { ExportOptions } from './export/index'

export type { ExportOptions } from './export/index'
export { backend } from './scan'

/**
 * Totals for a path (or several), as GNU du computes them; never blocks the event loop. A path
 * is a string or, for a name that is not UTF-8, a Buffer of its exact bytes (as `fs` takes).
 *
 * Sizes are bigint only when `bigint` is `true`. A value typed `Options`, whose `bigint` is
 * optional, types as number (the common case, which a union would make every caller narrow);
 * a `bigint` that is a plain `boolean` gives number | bigint.
 */
export function dirsize(path: PathArg | readonly PathArg[], options: Options & { bigint: true }): Promise<Result<bigint>>
export function dirsize(path: PathArg | readonly PathArg[], options?: Options & { bigint?: false }): Promise<Result<number>>
export function dirsize(path: PathArg | readonly PathArg[], options: Options & { bigint: boolean }): Promise<Result<Num>>
export function dirsize(path: PathArg | readonly PathArg[], options?: Options): Promise<Result<number>>
export async function dirsize(path: PathArg | readonly PathArg[], options?: Options): Promise<Result<Num>> {
  return scan(normalize(path, options))
}

/** The same scan, blocking the calling thread until it is done (no progress, no signal); typed as dirsize. */
export function dirsizeSync(path: PathArg | readonly PathArg[], options: Options & { bigint: true }): Result<bigint>
export function dirsizeSync(path: PathArg | readonly PathArg[], options?: Options & { bigint?: false }): Result<number>
export function dirsizeSync(path: PathArg | readonly PathArg[], options: Options & { bigint: boolean }): Result<Num>
export function dirsizeSync(path: PathArg | readonly PathArg[], options?: Options): Result<number>
export function dirsizeSync(path: PathArg | readonly PathArg[], options?: Options): Result<Num> {
  const n = normalize(path, options)
  for (const name of ['signal', 'onProgress', 'onRoot'] as const) {
    if (n[name] !== undefined) throw optionTypeError(name, 'absent in dirsizeSync (it blocks the thread; use dirsize)', n[name])
  }
  return scanSync(n)
}

/** A self-contained HTML report (a zoomable treemap, tables, totals) of a scan. */
export async function report(paths: PathArg | readonly PathArg[], options?: ReportOptions): Promise<string> {
  // Loaded on first use: the page's code (and d3-hierarchy) costs every other caller nothing.
  return (require('./report/index') as typeof import('./report/index')).report(paths, options)
}

/**
 * A scan of one path, as `dirsize` gives it, that also saves the tree in ncdu's JSON format
 * to `output` (a file, or a Writable); resolves once the document is written whole. Typed as
 * dirsize.
 */
export function exportScan(path: PathArg, options: ExportOptions & { bigint: true }): Promise<Result<bigint>>
export function exportScan(path: PathArg, options: ExportOptions & { bigint?: false }): Promise<Result<number>>
export function exportScan(path: PathArg, options: ExportOptions & { bigint: boolean }): Promise<Result<Num>>
export function exportScan(path: PathArg, options: ExportOptions): Promise<Result<number>>
export async function exportScan(path: PathArg, options: ExportOptions): Promise<Result<Num>> {
  // Loaded on first use, as the report: a scan that saves nothing loads none of it.
  return (require('./export/index') as typeof import('./export/index')).exportScan(path, options)
}
