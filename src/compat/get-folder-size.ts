/**
 * A drop-in for get-folder-size v5: the same calls, options and results, answered by the
 * native scan (or, with a caller's `fs`, by the TypeScript walker using that fs, which is
 * how get-folder-size's own tests run on memfs).
 */
import { join } from 'node:path'

import { systemError } from '../errors'
import { normalize, testRegExp } from '../options'
import { scan } from '../scan'
import type { ScanError } from '../types'
import type { AsyncFs } from '../walker/drivers'

declare namespace getFolderSize {
  interface Stats {
    isDirectory(): boolean
    ino: bigint
    size: bigint
  }

  interface Fs {
    lstat(path: string, options?: { bigint?: true }): Promise<Stats>
    readdir(path: string): Promise<string[]>
  }

  interface Options {
    bigint?: boolean
    ignore?: RegExp
    fs?: Fs
  }

  interface Result<T extends number | bigint> {
    size: T
    errors: Error[] | null
  }
}

interface Mode {
  errors?: boolean
  strict?: boolean
}

const TOO_LARGE = 'The folder size is too large to return as a Number. You can instruct this package to return a BigInt instead.'

/** The scan's errors as the Error objects fs would have thrown (the fs's own, when it had one). */
function asErrors(errors: ScanError[]): Error[] {
  return errors.map((e) => (e as ScanError & { error?: Error }).error ?? systemError(e))
}

async function measure(itemPath: string, options: getFolderSize.Options = {}, mode: Mode = {}): Promise<number | bigint | getFolderSize.Result<number | bigint>> {
  const errors: Error[] = []
  let size = 0n
  // get-folder-size tests the root itself against `ignore` (and then reports 0); dirsize's
  // own `ignore` is for entries only, so the drop-in does that one test here.
  if (options.ignore instanceof RegExp && testRegExp(options.ignore, itemPath)) return asRequested(size, errors, options, mode)
  try {
    const n = normalize(itemPath, { ignore: options.ignore, strict: mode.strict, bigint: true })
    const r = await scan(n, options.fs
      ? // get-folder-size joins with path.join, and its errors carry the paths it asked for.
        { fs: options.fs as unknown as AsyncFs, join: (d, name) => join(String(d), String(name)) }
      : undefined)
    size = r.bytes as bigint
    errors.push(...asErrors(r.errors))
  } catch (e) {
    // A root that cannot be read: get-folder-size records the lstat error and returns 0.
    if (mode.strict || !(e instanceof Error) || !('code' in e) || e instanceof TypeError) throw e
    errors.push(e)
  }
  return asRequested(size, errors, options, mode)
}

/** The size (number or bigint) and errors in the shape the called variant returns. */
function asRequested(size: bigint, errors: Error[], options: getFolderSize.Options, mode: Mode): number | bigint | getFolderSize.Result<number | bigint> {
  let result: number | bigint = size
  if (!options.bigint) {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
      const error = new RangeError(TOO_LARGE)
      if (mode.strict) throw error
      errors.push(error)
      result = Number.MAX_SAFE_INTEGER
    } else {
      result = Number(size)
    }
  }
  if (mode.errors) return { size: result, errors: errors.length > 0 ? errors : null }
  return result
}

/** `{ size, errors }`: errors are collected, `errors` is null when there were none. */
function getFolderSize(itemPath: string, options?: getFolderSize.Options & { bigint?: false | undefined }): Promise<getFolderSize.Result<number>>
function getFolderSize(itemPath: string, options: getFolderSize.Options & { bigint: true }): Promise<getFolderSize.Result<bigint>>
function getFolderSize(itemPath: string, options?: getFolderSize.Options): Promise<getFolderSize.Result<number | bigint>> {
  return measure(itemPath, options, { errors: true }) as Promise<getFolderSize.Result<number | bigint>>
}

namespace getFolderSize {
  /** The size only; errors are ignored. */
  export function loose(itemPath: string, options?: Options & { bigint?: false | undefined }): Promise<number>
  export function loose(itemPath: string, options: Options & { bigint: true }): Promise<bigint>
  export function loose(itemPath: string, options?: Options): Promise<number | bigint> {
    return measure(itemPath, options) as Promise<number | bigint>
  }

  /** The size; rejects on the first error. */
  export function strict(itemPath: string, options?: Options & { bigint?: false | undefined }): Promise<number>
  export function strict(itemPath: string, options: Options & { bigint: true }): Promise<bigint>
  export function strict(itemPath: string, options?: Options): Promise<number | bigint> {
    return measure(itemPath, options, { strict: true }) as Promise<number | bigint>
  }
}

// `require('dirsize/get-folder-size')` is the function itself and also carries `.default`,
// so both `getFolderSize(...)` and `getFolderSize.default(...)` work from CommonJS.
;(getFolderSize as unknown as { default: unknown }).default = getFolderSize

export = getFolderSize
