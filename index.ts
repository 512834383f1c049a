/**
 * dirsize: how big a directory tree is, with GNU du's totals, walked in parallel by a Rust core.
 *
 *   import { dirsize } from 'dirsize'
 *   const { bytes, diskBytes, files } = await dirsize('/srv/data')
 */
import { currentBackend } from './src/backend'
import { binding, scanNative, scanNativeSync } from './src/native'
import { optionTypeError } from './src/errors'
import { normalize } from './src/options'
import type { Backend, Num, Options, PathArg, Result } from './src/types'

/** The TypeScript walker, loaded only when it answers. */
function tsWalker(): typeof import('./src/walker/backend') {
  return require('./src/walker/backend') as typeof import('./src/walker/backend')
}

export type {
  Backend, LargeFile, Num, Options, PathArg, Progress, Result, RootResult, ScanError, Totals, TreeEntry,
} from './src/types'

/**
 * Which implementation answers: 'native' when the Rust addon is loaded, 'typescript' when
 * no prebuilt binary fits this platform (a warning says so once) or DIRSIZE_NATIVE=0.
 */
export const backend: Backend = currentBackend()

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
  const n = normalize(path, options)
  return backend === 'native' ? scanNative(binding()!, n) : tsWalker().scanTs(n)
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
  return backend === 'native' ? scanNativeSync(binding()!, n) : tsWalker().scanTsSync(n)
}

export default dirsize

/** A self-contained HTML report (a zoomable treemap, tables, totals) of a scan. */
export async function report(
  paths: PathArg | readonly PathArg[],
  options?: import('./src/report/index').ReportOptions,
): Promise<string> {
  return (require('./src/report/index') as typeof import('./src/report/index')).report(paths, options)
}

export type { ReportOptions } from './src/report/index'
