/** Error objects shaped as Node's own, so callers can switch on `code`. */
import { getSystemErrorName } from 'node:util'

import type { ScanError } from './types'

export function codeOf(errno: number): string {
  try {
    return getSystemErrorName(errno > 0 ? -errno : errno)
  } catch {
    return 'UNKNOWN'
  }
}

/** A scan error as the Result lists it. `errno` may come positive (Rust) or negative (Node). */
export function scanError(path: string, errno: number, message: string, syscall: string, pathBuffer?: Buffer): ScanError {
  const e: ScanError = { path, code: codeOf(errno), errno: errno > 0 ? -errno : errno, message, syscall }
  if (pathBuffer) e.pathBuffer = pathBuffer
  return e
}

export interface SystemError extends Error {
  code: string
  errno: number
  syscall: string
  path: string
}

/** A real Error, as fs would throw it: `ENOENT: no such file or directory, lstat '/x'`. */
export function systemError(e: ScanError, syscall = e.syscall): SystemError {
  const text = e.message.charAt(0).toLowerCase() + e.message.slice(1)
  const err = new Error(`${e.code}: ${text}, ${syscall} '${e.path}'`) as SystemError
  err.code = e.code
  err.errno = e.errno
  err.syscall = syscall
  err.path = e.path
  return err
}

export function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason }) as Error & { code: string }
  err.name = 'AbortError'
  err.code = 'ABORT_ERR'
  return err
}

export function optionTypeError(option: string, expected: string, got: unknown): TypeError {
  const err = new TypeError(`dirsize: ${option} must be ${expected}, got ${describe(got)}`) as TypeError & {
    code: string
  }
  err.code = 'ERR_INVALID_ARG_TYPE'
  return err
}

export function optionRangeError(option: string, expected: string, got: unknown): RangeError {
  const err = new RangeError(`dirsize: ${option} must be ${expected}, got ${describe(got)}`) as RangeError & {
    code: string
  }
  err.code = 'ERR_OUT_OF_RANGE'
  return err
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'function') return 'a function'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return `an instance of ${v.constructor?.name ?? 'Object'}`
  return String(v)
}
