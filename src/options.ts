/** Checks a call's arguments before any work, and names the option that is wrong. */
import { optionRangeError, optionTypeError } from './errors'
import type { Num, Options, Progress, RootResult } from './types'

export interface Normalized {
  roots: string[]
  /** A single path was given (not an array): a root that cannot be read rejects. */
  single: boolean
  threads?: number
  countLinks: boolean
  followSymlinks: boolean
  oneFileSystem: boolean
  exclude: string[]
  ignore?: RegExp
  depth?: number
  top: number
  strict: boolean
  bigint: boolean
  signal?: AbortSignal
  onProgress?: (p: Progress) => void
  progressIntervalMs: number
  onRoot?: (r: RootResult<Num>) => void
}

const KNOWN = new Set<string>([
  'threads', 'countLinks', 'followSymlinks', 'oneFileSystem', 'exclude', 'ignore', 'depth', 'top',
  'strict', 'bigint', 'signal', 'onProgress', 'progressIntervalMs', 'onRoot',
])

// The native side takes these as u32.
const U32 = 0xffff_ffff

export function normalize(pathOrPaths: unknown, options: unknown): Normalized {
  const single = !Array.isArray(pathOrPaths)
  const roots = single ? [pathOrPaths] : (pathOrPaths as unknown[])
  if (!single && roots.length === 0) throw optionTypeError('paths', 'a path or a non-empty array of paths', pathOrPaths)
  roots.forEach((p, i) => checkPath(p, single ? 'path' : `paths[${i}]`))

  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object' || Array.isArray(options)) throw optionTypeError('options', 'an object', options)
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      const err = new TypeError(`dirsize: unknown option ${JSON.stringify(key)}`) as TypeError & { code: string }
      err.code = 'ERR_INVALID_ARG_VALUE'
      throw err
    }
  }
  const opts = o as Options
  return {
    roots: roots as string[],
    single,
    threads: int(opts.threads, 'threads', 1, 1024),
    countLinks: bool(opts.countLinks, 'countLinks'),
    followSymlinks: bool(opts.followSymlinks, 'followSymlinks'),
    oneFileSystem: bool(opts.oneFileSystem, 'oneFileSystem'),
    exclude: patterns(opts.exclude),
    ignore: regexp(opts.ignore),
    depth: int(opts.depth, 'depth', 0, U32),
    top: int(opts.top, 'top', 0, U32) ?? 0,
    strict: bool(opts.strict, 'strict'),
    bigint: bool(opts.bigint, 'bigint'),
    signal: signal(opts.signal),
    onProgress: fn(opts.onProgress, 'onProgress'),
    progressIntervalMs: int(opts.progressIntervalMs, 'progressIntervalMs', 1, U32) ?? 100,
    onRoot: fn(opts.onRoot, 'onRoot'),
  }
}

function checkPath(p: unknown, name: string): void {
  if (typeof p !== 'string') throw optionTypeError(name, 'a string', p)
  if (p.length === 0) throw optionTypeError(name, 'a non-empty string', p)
  if (p.includes('\0')) throw optionTypeError(name, 'a string without null bytes', p)
}

function int(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'number') throw optionTypeError(name, 'an integer', v)
  if (!Number.isInteger(v) || v < min || v > max) {
    throw optionRangeError(name, `an integer from ${min} to ${max}`, v)
  }
  return v
}

function bool(v: unknown, name: string): boolean {
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw optionTypeError(name, 'a boolean', v)
  return v
}

function strings(v: unknown, name: string): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw optionTypeError(name, 'an array of strings', v)
  return v as string[]
}

/**
 * du --exclude patterns: any string is one (a `[` never closed is a literal `[`, an unknown
 * class matches nothing), but a NUL cannot reach fnmatch through C, so none may hold one.
 */
function patterns(v: unknown): string[] {
  const list = strings(v, 'exclude')
  const bad = list.find((p) => p.includes('\0'))
  if (bad !== undefined) throw optionTypeError('exclude', 'patterns without NUL characters', bad)
  return list
}

function regexp(v: unknown): RegExp | undefined {
  if (v === undefined) return undefined
  if (!(v instanceof RegExp)) throw optionTypeError('ignore', 'a RegExp', v)
  return v
}

function signal(v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined
  if (!(v instanceof AbortSignal)) throw optionTypeError('signal', 'an AbortSignal', v)
  return v
}

function fn<T>(v: unknown, name: string): ((arg: T) => void) | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'function') throw optionTypeError(name, 'a function', v)
  return v as (arg: T) => void
}
