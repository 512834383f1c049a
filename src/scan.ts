/**
 * The one way into a scan: which backend answers (the native addon when it loads, else the
 * TypeScript walker), and the call to it with options already normalized. The public API,
 * the HTML report and the drop-ins all scan through here.
 */
import { binding, scanNative, scanNativeSync } from './native'
import type { Normalized } from './options'
import type { Backend, Num, Result } from './types'
import type { TsScanExtras } from './walker/scan-ts'

let chosen: Backend | undefined
let warned = false

/** `DIRSIZE_NATIVE=0` chooses the TypeScript walker on purpose (no warning). */
function chooseBackend(): Backend {
  if (chosen) return chosen
  if (process.env.DIRSIZE_NATIVE === '0') return (chosen = 'typescript')
  if (binding()) return (chosen = 'native')
  if (!warned) {
    warned = true
    process.stderr.write(`dirsize: no prebuilt binary for ${process.platform}-${process.arch}; using the slower TypeScript walker\n`)
  }
  return (chosen = 'typescript')
}

/**
 * Which implementation answers: 'native' when the Rust addon is loaded, 'typescript' when
 * no prebuilt binary fits this platform (a warning says so once) or DIRSIZE_NATIVE=0.
 * Chosen when the package loads, so the warning comes then, not in the middle of a scan.
 */
export const backend: Backend = chooseBackend()

/** The TypeScript walker, loaded only when it answers. */
function tsWalker(): typeof import('./walker/scan-ts') {
  return require('./walker/scan-ts') as typeof import('./walker/scan-ts')
}

/**
 * A scan. A caller's own fs (`extras.fs`, the get-folder-size drop-in's option) can only be
 * walked by the TypeScript walker, whichever backend answers otherwise.
 */
export function scan(n: Normalized, extras?: TsScanExtras): Promise<Result<Num>> {
  if (extras?.fs || backend === 'typescript') return tsWalker().scanTs(n, extras)
  return scanNative(binding()!, n)
}

/** The same scan, blocking the calling thread. */
export function scanSync(n: Normalized): Result<Num> {
  return backend === 'native' ? scanNativeSync(binding()!, n) : tsWalker().scanTsSync(n)
}
