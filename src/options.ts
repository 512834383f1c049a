/** Checks a call's arguments before any work, and names the option that is wrong. */
import { types } from 'node:util'

import { optionRangeError, optionTypeError } from './errors'
import { GROUP_KEYS } from './groups'
import type { FileType, GroupKey, Num, Options, Progress, RootResult } from './types'

/** A root as the scan takes it: the caller's string, or a private copy of its bytes. */
export type Root = string | Buffer

/** Checks one option's value (`name` for the message) and gives it with its default applied. */
type Check<T> = (v: unknown, name: string, scan: ScanClock) => T

/** What a check may need beyond the value: the scan's "now", taken once, in whole seconds. */
interface ScanClock {
  now: number
}

// The native side takes these as u32.
const U32 = 0xffff_ffff
// Node's timers take at most this (a longer delay fires after 1 ms, with a warning).
const TIMER_MAX = 0x7fff_ffff

/**
 * Every option, once: how it is checked and what it defaults to. Its keys are the known
 * options, and checking runs in this order. `satisfies` makes a missing option (or a check
 * giving the wrong type) a compile error, so Options and this table cannot drift apart.
 */
const OPTIONS = {
  threads: int(1, 1024),
  countLinks: bool,
  followSymlinks: bool,
  oneFileSystem: bool,
  exclude: patterns,
  ignore: regexp,
  depth: int(0, U32),
  top: int(0, U32, 0),
  strict: bool,
  bigint: bool,
  signal: abortSignal,
  onProgress: fn<Progress>,
  progressIntervalMs: int(1, TIMER_MAX, 100),
  onRoot: fn<RootResult<Num>>,
  groupBy: groupKeys,
  time: timestamp,
  filter: fileFilter,
} satisfies { readonly [K in keyof Options]-?: Check<Options[K]> }

/**
 * The options as both backends take them: every one checked and defaulted (those still
 * optional have no default value: threads is the backend's to choose, no depth is no tree),
 * and the roots.
 */
export type Normalized = { -readonly [K in keyof typeof OPTIONS]: ReturnType<(typeof OPTIONS)[K]> } & {
  roots: Root[]
  /** A single path was given (not an array): a root that cannot be read rejects. */
  single: boolean
  /** Seconds since the epoch when the options were checked: the age groups and day filters count back from it. */
  now: number
}

const PATH = 'a string or a Buffer'

export function normalize(pathOrPaths: unknown, options: unknown): Normalized {
  const single = !Array.isArray(pathOrPaths)
  let roots: Root[]
  if (single) {
    roots = [root(pathOrPaths, 'path', `${PATH}, or an array of them`)]
  } else {
    roots = elements(pathOrPaths as unknown[], 'paths', PATH).map((p, i) => root(p, `paths[${i}]`, PATH))
    if (roots.length === 0) throw optionTypeError('paths', 'a path or a non-empty array of paths', pathOrPaths)
  }

  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object' || Array.isArray(options)) throw optionTypeError('options', 'an object', options)
  const o = options as Record<string, unknown>
  let keys: string[]
  try {
    keys = Object.keys(o)
  } catch (e) {
    throw unreadable('options', e)
  }
  for (const key of keys) {
    if (!Object.hasOwn(OPTIONS, key)) {
      const err = new TypeError(`dirsize: unknown option ${JSON.stringify(key)}`) as TypeError & { code: string }
      err.code = 'ERR_INVALID_ARG_VALUE'
      throw err
    }
  }
  // Each option is read once: a getter cannot pass validation with one value and then hand
  // the scan another.
  const clock: ScanClock = { now: Math.floor(Date.now() / 1000) }
  const checked: Record<string, unknown> = { roots, single, now: clock.now }
  for (const [name, check] of Object.entries(OPTIONS) as Array<[string, Check<unknown>]>) {
    let v: unknown
    try {
      v = o[name]
    } catch (e) {
      throw unreadable(name, e)
    }
    checked[name] = check(v, name, clock)
  }
  return checked as Normalized
}

/**
 * A path as fs takes one. A Buffer (or any Uint8Array) is copied, so the caller may reuse it
 * while an async scan runs.
 */
function root(p: unknown, name: string, expected: string): Root {
  if (typeof p === 'string') {
    if (p.length === 0) throw optionTypeError(name, 'a non-empty string', p)
    if (p.includes('\0')) throw optionTypeError(name, 'a string without null bytes', p)
    return p
  }
  if (types.isUint8Array(p)) {
    if (p.length === 0) throw optionTypeError(name, 'a non-empty Buffer', p)
    if (p.includes(0)) throw optionTypeError(name, 'a Buffer without null bytes', p)
    return Buffer.from(p)
  }
  throw optionTypeError(name, expected, p)
}

/**
 * An array option's elements, read once each into a plain array. Only true arrays are taken
 * (array-likes and other iterables are not: a string or a Buffer is both); a hole, or an
 * element whose getter throws, is a TypeError naming its index.
 */
function elements(list: unknown[], name: string, expected: string): unknown[] {
  const out: unknown[] = []
  let length: number
  try {
    length = list.length
  } catch (e) {
    throw unreadable(name, e)
  }
  for (let i = 0; i < length; i++) {
    let present: boolean
    try {
      present = i in list
      if (present) out.push(list[i])
    } catch (e) {
      throw unreadable(`${name}[${i}]`, e)
    }
    if (!present) {
      const err = new TypeError(`dirsize: ${name}[${i}] must be ${expected}, got an empty slot (a hole in the array)`) as TypeError & { code: string }
      err.code = 'ERR_INVALID_ARG_TYPE'
      throw err
    }
  }
  return out
}

/** A getter (or a Proxy trap) threw while the option was read. */
function unreadable(name: string, cause: unknown): TypeError {
  let why: string
  try {
    why = cause instanceof Error ? cause.message : String(cause)
  } catch {
    why = 'a value that cannot be shown'
  }
  const err = new TypeError(`dirsize: ${name} could not be read: ${why}`, { cause }) as TypeError & { code: string }
  err.code = 'ERR_INVALID_ARG_VALUE'
  return err
}

/** An integer option from min to max; `fallback` when absent (else undefined). */
function int(min: number, max: number): Check<number | undefined>
function int(min: number, max: number, fallback: number): Check<number>
function int(min: number, max: number, fallback?: number): Check<number | undefined> {
  return (v, name) => {
    if (v === undefined) return fallback
    if (typeof v !== 'number') throw optionTypeError(name, 'an integer', v)
    if (!Number.isInteger(v) || v < min || v > max) {
      throw optionRangeError(name, `an integer from ${min} to ${max}`, v)
    }
    return v
  }
}

/** A boolean option: false when absent. */
function bool(v: unknown, name: string): boolean {
  if (v === undefined) return false
  if (typeof v !== 'boolean') throw optionTypeError(name, 'a boolean', v)
  return v
}

function strings(v: unknown, name: string): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v)) throw optionTypeError(name, 'an array of strings', v)
  return elements(v, name, 'a string').map((s, i) => {
    if (typeof s !== 'string') throw optionTypeError(`${name}[${i}]`, 'a string', s)
    return s
  })
}

/**
 * du --exclude patterns: any string is one (a `[` never closed is a literal `[`, an unknown
 * class matches nothing), but a NUL cannot reach fnmatch through C, so none may hold one.
 */
function patterns(v: unknown, name: string): string[] {
  const list = strings(v, name)
  const at = list.findIndex((p) => p.includes('\0'))
  if (at >= 0) throw optionTypeError(`${name}[${at}]`, 'a pattern without NUL characters', list[at])
  return list
}

/**
 * A fresh RegExp from the caller's source and flags: both backends then read the same two
 * strings (a subclass's own `exec` would reach only the TypeScript walker), and resetting
 * `lastIndex` never touches the caller's object.
 */
function regexp(v: unknown, name: string): RegExp | undefined {
  if (v === undefined) return undefined
  if (!(v instanceof RegExp)) throw optionTypeError(name, 'a RegExp', v)
  let source: string
  let flags: string
  try {
    source = v.source
    flags = v.flags
  } catch (e) {
    throw unreadable(name, e)
  }
  try {
    return new RegExp(source, flags)
  } catch (e) {
    throw unreadable(name, e)
  }
}

function abortSignal(v: unknown, name: string): AbortSignal | undefined {
  if (v === undefined) return undefined
  if (!(v instanceof AbortSignal)) throw optionTypeError(name, 'an AbortSignal', v)
  return v
}

function fn<T>(v: unknown, name: string): ((arg: T) => void) | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'function') throw optionTypeError(name, 'a function', v)
  return v as (arg: T) => void
}

/** `groupBy`: one key or an array of them, each kept once, in the order given. */
function groupKeys(v: unknown, name: string): GroupKey[] {
  if (v === undefined) return []
  const list = Array.isArray(v) ? elements(v, name, 'a group key') : [v]
  const keys: GroupKey[] = []
  list.forEach((k, i) => {
    const at = Array.isArray(v) ? `${name}[${i}]` : name
    if (typeof k !== 'string' || !(GROUP_KEYS as readonly string[]).includes(k)) {
      throw optionTypeError(at, `one of ${GROUP_KEYS.map((g) => `'${g}'`).join(', ')}`, k)
    }
    if (process.platform === 'win32' && k !== 'extension' && k !== 'type') {
      throw optionTypeError(at, "'extension' or 'type' on Windows (ownership is a SID there; file times are not read)", k)
    }
    if (!keys.includes(k as GroupKey)) keys.push(k as GroupKey)
  })
  return keys
}

const TIMES = ['mtime', 'atime', 'ctime'] as const

function timestamp(v: unknown, name: string): (typeof TIMES)[number] {
  if (v === undefined) return 'mtime'
  if (typeof v !== 'string' || !(TIMES as readonly string[]).includes(v)) throw optionTypeError(name, "'mtime', 'atime' or 'ctime'", v)
  return v as (typeof TIMES)[number]
}

/** `filter` as both walkers take it: sizes in bytes, times as seconds since the epoch (strict bounds). */
export interface NormalizedFilter {
  minSize?: number
  maxSize?: number
  olderThan?: number
  newerThan?: number
  /** Empty: any kind. */
  types: FileType[]
}

const FILE_TYPES = ['f', 'l', 'o'] as const satisfies readonly FileType[]

function fileFilter(v: unknown, name: string, clock: ScanClock): NormalizedFilter | undefined {
  if (v === undefined) return undefined
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw optionTypeError(name, 'an object', v)
  const o = v as Record<string, unknown>
  const known = ['minSize', 'maxSize', 'olderThan', 'newerThan', 'type']
  const read = (key: string): unknown => {
    try {
      return o[key]
    } catch (e) {
      throw unreadable(`${name}.${key}`, e)
    }
  }
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw optionTypeError(`${name}.${key}`, `absent (${name} takes ${known.join(', ')})`, read(key))
  }
  const f: NormalizedFilter = { types: [] }
  const size = (key: 'minSize' | 'maxSize'): void => {
    const s = read(key)
    if (s === undefined) return
    if (typeof s !== 'number') throw optionTypeError(`${name}.${key}`, 'an integer (bytes)', s)
    if (!Number.isSafeInteger(s) || s < 0) throw optionRangeError(`${name}.${key}`, `an integer from 0 to ${Number.MAX_SAFE_INTEGER}`, s)
    f[key] = s
  }
  size('minSize')
  size('maxSize')
  const time = (key: 'olderThan' | 'newerThan'): void => {
    const t = read(key)
    if (t === undefined) return
    if (process.platform === 'win32') throw optionTypeError(`${name}.${key}`, 'absent on Windows (file times are not read there)', t)
    let seconds: number
    if (typeof t === 'number') {
      if (!Number.isFinite(t) || t < 0 || t > 1e8) throw optionRangeError(`${name}.${key}`, 'a number of days from 0 to 100000000', t)
      seconds = clock.now - Math.round(t * 86_400)
    } else if (t instanceof Date || typeof t === 'string') {
      const ms = t instanceof Date ? t.getTime() : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : NaN
      if (Number.isNaN(ms)) throw optionTypeError(`${name}.${key}`, 'a number of days, a valid Date or an ISO 8601 date (2024-01-31, 2024-01-31T12:00:00Z)', t)
      seconds = Math.floor(ms / 1000)
    } else {
      throw optionTypeError(`${name}.${key}`, 'a number of days, a Date or an ISO 8601 date string', t)
    }
    f[key] = seconds
  }
  time('olderThan')
  time('newerThan')
  const type = read('type')
  if (type !== undefined) {
    const list = Array.isArray(type) ? elements(type, `${name}.type`, 'a type letter') : [type]
    list.forEach((t, i) => {
      if (typeof t !== 'string' || !(FILE_TYPES as readonly string[]).includes(t)) {
        throw optionTypeError(Array.isArray(type) ? `${name}.type[${i}]` : `${name}.type`, "'f', 'l' or 'o'", t)
      }
      if (!f.types.includes(t as FileType)) f.types.push(t as FileType)
    })
  }
  return f
}

/** RegExp.prototype.test without the lastIndex state of /g and /y (as the Rust side). */
export function testRegExp(re: RegExp, s: string): boolean {
  re.lastIndex = 0
  const hit = re.test(s)
  re.lastIndex = 0
  return hit
}
