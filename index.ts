/**
 * dirsize: how big a directory tree is, with GNU du's totals, walked in parallel by a Rust core.
 *
 *   import { dirsize } from 'dirsize'
 *   const { bytes, diskBytes, files } = await dirsize('/srv/data')
 */
import { binding, scanNative, scanNativeSync } from './src/native'
import { optionTypeError } from './src/errors'
import { normalize } from './src/options'
import type { Backend, Num, Options, Result } from './src/types'

export type {
  Backend, LargeFile, Num, Options, Progress, Result, RootResult, ScanError, Totals, TreeEntry,
} from './src/types'

/** Which implementation answers: 'native' when the Rust addon is loaded. */
export const backend: Backend = 'native'

function native() {
  const b = binding()
  if (!b) throw new Error('dirsize: the native addon could not be loaded')
  return b
}

/** Totals for a path (or several), as GNU du computes them; never blocks the event loop. */
export function dirsize(path: string | readonly string[], options: Options & { bigint: true }): Promise<Result<bigint>>
export function dirsize(path: string | readonly string[], options?: Options & { bigint?: false }): Promise<Result<number>>
export function dirsize(path: string | readonly string[], options?: Options): Promise<Result<Num>>
export async function dirsize(path: string | readonly string[], options?: Options): Promise<Result<Num>> {
  const n = normalize(path, options)
  return scanNative(native(), n)
}

/** The same scan, blocking the calling thread until it is done (no progress, no signal). */
export function dirsizeSync(path: string | readonly string[], options: Options & { bigint: true }): Result<bigint>
export function dirsizeSync(path: string | readonly string[], options?: Options & { bigint?: false }): Result<number>
export function dirsizeSync(path: string | readonly string[], options?: Options): Result<Num>
export function dirsizeSync(path: string | readonly string[], options?: Options): Result<Num> {
  const n = normalize(path, options)
  for (const name of ['signal', 'onProgress', 'onRoot'] as const) {
    if (n[name] !== undefined) throw optionTypeError(name, 'absent in dirsizeSync (it blocks the thread; use dirsize)', n[name])
  }
  return scanNativeSync(native(), n)
}

export default dirsize
