/**
 * The TypeScript twin of src-rs/import/ (json.rs and mod.rs): ncdu's JSON export format read
 * over the bytes, each entry counted as it comes into the walker's structures (the breakdown
 * nodes, `Largest`, a link set), giving the same roots the native loader gives. Unlike the
 * native one it reads a file's bytes whole first (a .gz decompressed whole): it is the
 * fallback where no addon loads, and its speed is not a target.
 *
 * Groups and file filters apply as in the walker (walker/groups.ts), from the saved owner,
 * group and mtime (an extended export); a key or filter needing a field an entry lacks
 * stops the load naming the option (src-rs/import `Loader::missing`).
 */
import fs from 'node:fs'
import zlib from 'node:zlib'

import type { Normalized } from '../options'
import type { Totals } from '../types'
import { foldTree, Largest, type TreeNode, type WalkError, type WalkRoot } from '../walker/core'
import { filtering, Grouper, type KindKey, Names, selects, type StatTimes } from '../walker/groups'

/** libuv's UV_UNKNOWN: no export saves why an entry could not be read (src-rs/import SAVED_ERRNO). */
export const SAVED_ERRNO = -4094
const SAVED_MESSAGE = 'could not be read when the scan was saved (the export keeps no reason)'
const MAX_ERRORS = 10_000

/** Where a file stopped being readable: the native loader's `LoadError`, declared once (binding.d.ts). */
export type LoadErrorInfo = import('../../binding').LoadError

export class LoadFailed extends Error {
  constructor(readonly info: LoadErrorInfo) {
    super(info.message)
  }
}

/** `strict`: the first saved read error. */
export class LoadStrict extends Error {
  constructor(readonly walkError: WalkError) {
    super(walkError.message)
  }
}

class Syntax extends Error {
  constructor(message: string, readonly offset: number, readonly line: number, readonly column: number) {
    super(message)
  }
}

interface RawEntry {
  name: Buffer
  asize?: bigint
  dsize?: bigint
  dev?: bigint
  ino?: bigint
  nlink?: bigint
  hlnkc: boolean
  notreg: boolean
  readError: boolean
  excluded: boolean
  uid?: bigint
  gid?: bigint
  mode?: bigint
  mtime?: number
}

type Kind = 'file' | 'dir' | 'symlink' | 'other'

/** One entry as the loader counts it (src-rs/import `Record`). */
export interface LoadRecord {
  name: Buffer
  kind: Kind
  asize: bigint
  dsize: bigint
  dev: bigint
  ino?: bigint
  linked: boolean
  readError: boolean
  uid?: bigint
  gid?: bigint
  mode?: bigint
  mtime?: number
}

const U64_MAX = (1n << 64n) - 1n

function shown(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/

/** The byte-level reader of json.rs, over a whole buffer. */
class Parser {
  pos = 0
  private line = 1
  private lineStart = 0

  constructor(private readonly b: Buffer) {}

  err(message: string, at = this.pos): Syntax {
    return new Syntax(message, at, this.line, at - this.lineStart + 1)
  }

  truncated(expected: string): Syntax {
    return this.err(`unexpected end of data, expected ${expected} (a truncated file?)`)
  }

  skipWs(): void {
    const b = this.b
    while (this.pos < b.length) {
      const c = b[this.pos]!
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.pos++
      else if (c === 0x0a) {
        this.pos++
        this.line++
        this.lineStart = this.pos
      } else return
    }
  }

  peek(): number | undefined {
    return this.b[this.pos]
  }

  nextToken(expected: string): number {
    this.skipWs()
    if (this.pos >= this.b.length) throw this.truncated(expected)
    return this.b[this.pos++]!
  }

  nextRaw(expected: string): number {
    if (this.pos >= this.b.length) throw this.truncated(expected)
    return this.b[this.pos++]!
  }

  expect(want: number, expected: string): void {
    const c = this.nextToken(expected)
    if (c !== want) {
      this.pos--
      throw this.err(`expected ${expected}, found ${shown(c)}`)
    }
  }

  /** A string's bytes, the opening quote consumed. */
  string(): Buffer {
    const b = this.b
    const parts: Buffer[] = []
    for (;;) {
      const start = this.pos
      let i = start
      while (i < b.length && b[i] !== 0x22 && b[i] !== 0x5c && b[i]! >= 0x20) i++
      if (i > start) parts.push(b.subarray(start, i))
      this.pos = i
      if (i >= b.length) throw this.truncated('the end of a string')
      const c = b[i]!
      this.pos++
      if (c === 0x22) return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      if (c === 0x5c) parts.push(this.escape())
      else {
        this.pos--
        throw this.err(`a control character (${shown(c)}) inside a string`)
      }
    }
  }

  private escape(): Buffer {
    const c = this.nextRaw('an escape')
    const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 }
    if (simple[c] !== undefined) return Buffer.from([simple[c]!])
    if (c !== 0x75) {
      this.pos--
      throw this.err(`an invalid escape \\${shown(c)}`)
    }
    let cp = this.hex4()
    const out: number[] = []
    if (cp >= 0xd800 && cp < 0xdc00 && this.peek() === 0x5c) {
      this.pos++
      if (this.nextRaw('an escape') !== 0x75) {
        this.pos--
        throw this.err('expected \\u after a high surrogate')
      }
      const lo = this.hex4()
      if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)
      else {
        wtf8(out, cp)
        cp = lo
      }
    }
    wtf8(out, cp)
    return Buffer.from(out)
  }

  private hex4(): number {
    let v = 0
    for (let k = 0; k < 4; k++) {
      const c = this.nextRaw('four hex digits')
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1
      if (d < 0) {
        this.pos--
        throw this.err(`expected a hex digit, found ${shown(c)}`)
      }
      v = v * 16 + d
    }
    return v
  }

  /** A number's text, its first byte already consumed. */
  numberText(): string {
    const b = this.b
    const start = this.pos - 1
    while (this.pos < b.length) {
      const c = b[this.pos]!
      if (isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d) this.pos++
      else break
    }
    const text = b.toString('latin1', start, this.pos)
    if (!NUMBER.test(text)) throw this.err(`an invalid number ${text}`)
    return text
  }

  literal(rest: string): void {
    for (let k = 0; k < rest.length; k++) {
      const c = this.nextRaw('a literal')
      if (c !== rest.charCodeAt(k)) {
        this.pos--
        throw this.err(`an invalid literal (found ${shown(c)})`)
      }
    }
  }

  private key(): void {
    this.expect(0x22, 'a key')
    this.string()
    this.expect(0x3a, "':'")
  }

  skipValue(first: number): void {
    const closers: number[] = []
    let c = first
    for (;;) {
      if (c === 0x7b || c === 0x5b) {
        const close = c === 0x7b ? 0x7d : 0x5d
        this.skipWs()
        if (this.peek() === close) this.pos++
        else {
          closers.push(close)
          if (close === 0x7d) this.key()
          c = this.nextToken('a value')
          continue
        }
      } else if (c === 0x22) this.string()
      else if (c === 0x74) this.literal('rue')
      else if (c === 0x66) this.literal('alse')
      else if (c === 0x6e) this.literal('ull')
      else if (c === 0x2d || isDigit(c)) this.numberText()
      else {
        this.pos--
        throw this.err(`expected a value, found ${shown(c)}`)
      }
      for (;;) {
        const close = closers[closers.length - 1]
        if (close === undefined) return
        const d = this.nextToken("',' or a closing bracket")
        if (d === 0x2c) {
          if (close === 0x7d) this.key()
          c = this.nextToken('a value')
          break
        } else if (d === close) closers.pop()
        else {
          this.pos--
          throw this.err(`expected ',' or '${String.fromCharCode(close)}', found ${shown(d)}`)
        }
      }
    }
  }

  /** An object's fields (its '{' consumed): each key with its value's first byte. */
  fields(f: (key: string, first: number) => void): void {
    this.skipWs()
    if (this.peek() === 0x7d) {
      this.pos++
      return
    }
    for (;;) {
      this.expect(0x22, 'a key')
      const key = this.string().toString('latin1')
      this.expect(0x3a, "':'")
      const first = this.nextToken('a value')
      f(key, first)
      const c = this.nextToken("',' or '}'")
      if (c === 0x2c) continue
      if (c === 0x7d) return
      this.pos--
      throw this.err(`expected ',' or '}', found ${shown(c)}`)
    }
  }

  entry(): RawEntry {
    const e: RawEntry = { name: Buffer.alloc(0), hlnkc: false, notreg: false, readError: false, excluded: false }
    let named = false
    this.fields((key, first) => {
      const num = (): bigint => {
        if (!(first === 0x2d || isDigit(first))) {
          this.pos--
          throw this.err(`"${key}" must be a number`)
        }
        const text = this.numberText()
        if (!/^\d+$/.test(text) || BigInt(text) > U64_MAX) throw this.err(`"${key}" must be a whole number from 0 to 2^64-1`)
        return BigInt(text)
      }
      const bool = (): boolean => {
        if (first === 0x74) {
          this.literal('rue')
          return true
        }
        if (first === 0x66) this.literal('alse')
        else this.skipValue(first)
        return false
      }
      switch (key) {
        case 'name':
          if (first !== 0x22) {
            this.pos--
            throw this.err('"name" must be a string')
          }
          named = true
          e.name = this.string()
          break
        case 'asize': e.asize = num(); break
        case 'dsize': e.dsize = num(); break
        case 'dev': e.dev = num(); break
        case 'ino': e.ino = num(); break
        case 'nlink': e.nlink = num(); break
        case 'uid': e.uid = num(); break
        case 'gid': e.gid = num(); break
        case 'mode': e.mode = num(); break
        case 'hlnkc': e.hlnkc = bool(); break
        case 'notreg': e.notreg = bool(); break
        case 'read_error': e.readError = bool(); break
        case 'excluded':
          e.excluded = first !== 0x66 && first !== 0x6e
          this.skipValue(first)
          break
        case 'mtime':
          if (first === 0x2d || isDigit(first)) {
            const whole = /^-?\d+/.exec(this.numberText())![0]
            const v = BigInt(whole)
            if (v >= -(1n << 63n) && v < 1n << 63n) e.mtime = Number(v)
          } else this.skipValue(first)
          break
        default:
          this.skipValue(first)
      }
    })
    if (!named) throw this.err('an entry without a "name"')
    return e
  }
}

function wtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp)
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f))
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f))
}

interface Frame {
  pathLen: number
  dev: bigint
  skip: boolean
  totals: Totals<bigint>
  bucket?: TreeNode
}

function zero(): Totals<bigint> {
  return { bytes: 0n, diskBytes: 0n, files: 0n, dirs: 0n, symlinks: 0n, others: 0n }
}

function add(into: Totals<bigint>, t: Totals<bigint>): void {
  into.bytes += t.bytes
  into.diskBytes += t.diskBytes
  into.files += t.files
  into.dirs += t.dirs
  into.symlinks += t.symlinks
  into.others += t.others
}

const SEP = process.platform === 'win32' ? 0x5c : 0x2f

/** fts's root trimming (core.ts trimRoot), on bytes. */
function trimRoot(root: Buffer): Buffer {
  const sep = (c: number | undefined): boolean => c === 0x2f || (process.platform === 'win32' && c === 0x5c)
  let len = root.length
  if (len > 2 && sep(root[len - 1])) while (len > 1 && sep(root[len - 2])) len--
  return root.subarray(0, len)
}

/** A non-directory listed for `diff` (src-rs/import `ListedEntry`). */
export interface Listed {
  path: Buffer
  bytes: bigint
  diskBytes: bigint
  /** A regular file. */
  file: boolean
  depth: number
}

/** Counts one file's entries into its root (src-rs/import `Loader`). */
class Loader {
  gdu = false
  /** dirsize's own export: a file root is the one entry of a directory with no size of its own. */
  dirsize = false
  /** The root is that wrapper: its one entry is the root. */
  private wrapper = false
  readonly listed: Listed[] = []
  /** The innermost open directory's path: the first `pathLen` bytes of `pathBuf`, grown in place. */
  private pathBuf: Buffer = Buffer.alloc(256)
  private pathLen = 0
  private readonly frames: Frame[] = []
  private root?: { path: Buffer; totals: Totals<bigint>; errors: WalkError[]; errorCount: number; nodes?: TreeNode[]; largest?: Largest; grouper?: Grouper }
  done?: WalkRoot
  private readonly select: Normalized['filter']

  constructor(
    private readonly n: Normalized,
    private readonly links: Set<string>,
    private readonly several: boolean,
    private readonly listDepth?: number,
    private readonly names: Names = new Names(),
  ) {
    this.select = filtering(n.filter) ? n.filter : undefined
  }

  record(e: RawEntry, isDir: boolean, parentDev: bigint): LoadRecord {
    let kind: Kind
    if (isDir) kind = 'dir'
    else if (e.mode !== undefined) {
      const t = e.mode & 0o170000n
      kind = t === 0o100000n ? 'file' : t === 0o040000n ? 'dir' : t === 0o120000n ? 'symlink' : 'other'
    } else if (e.notreg) kind = this.gdu ? 'symlink' : 'other'
    else kind = 'file'
    const own = !(isDir && this.gdu)
    const r: LoadRecord = {
      name: e.name,
      kind,
      asize: own ? (e.asize ?? 0n) : 0n,
      dsize: own ? (e.dsize ?? 0n) : 0n,
      dev: e.dev ?? parentDev,
      linked: e.nlink !== undefined ? e.nlink > 1n : e.hlnkc,
      readError: e.readError,
    }
    if (e.ino !== undefined) r.ino = e.ino
    if (e.uid !== undefined) r.uid = e.uid
    if (e.gid !== undefined) r.gid = e.gid
    if (e.mode !== undefined) r.mode = e.mode
    if (e.mtime !== undefined) r.mtime = e.mtime
    return r
  }

  private admit(r: LoadRecord): boolean {
    if (this.n.countLinks || r.ino === undefined) return true
    const once = r.kind === 'dir' ? this.several : r.linked || this.several
    if (!once) return true
    const key = `${r.dev}:${r.ino}`
    if (this.links.has(key)) return false
    this.links.add(key)
    return true
  }

  /**
   * The option that needs a field `r` lacks, once the filters took it (`filtered`) or
   * before (the time filters read every non-directory's mtime): src-rs/import `missing`.
   */
  private missing(r: LoadRecord, filtered: boolean): string | undefined {
    const need = (option: string, flag: string, field: string): string =>
      `${option} (${flag}) needs each entry's ${field}, which this file does not save ` +
      '(save the scan with its extended fields: dirsize -o -e, ncdu -e)'
    if (!filtered) {
      const f = this.select
      if (f === undefined || r.kind === 'dir' || r.mtime !== undefined) return undefined
      if (f.olderThan !== undefined) return need('filter.olderThan', '--older-than', 'mtime')
      if (f.newerThan !== undefined) return need('filter.newerThan', '--newer-than', 'mtime')
      return undefined
    }
    const keys = this.n.groupBy
    if (keys.includes('owner') && r.uid === undefined) return need('groupBy "owner"', '--by owner', 'uid')
    if (keys.includes('group') && r.gid === undefined) return need('groupBy "group"', '--by group', 'gid')
    if (keys.includes('age') && r.mtime === undefined) return need('groupBy "age"', '--by age', 'mtime')
    return undefined
  }

  /** The filters and groups of an admitted entry, as the walker's `count`: whether it counts. */
  private counts(r: LoadRecord): boolean {
    const before = this.missing(r, false)
    if (before !== undefined) throw new Error(before)
    // The walker's stat, from what was saved: the mtime is the one timestamp there is.
    const kind: KindKey = r.kind === 'file' ? 'files' : r.kind === 'dir' ? 'dirs' : r.kind === 'symlink' ? 'symlinks' : 'others'
    const s: StatTimes = { size: r.asize, uid: r.uid ?? 0n, gid: r.gid ?? 0n, mtimeNs: BigInt(r.mtime ?? 0) * 1_000_000_000n }
    if (this.select && !selects(this.select, kind, s, 'mtime')) return false
    const grouper = this.root!.grouper
    if (grouper) {
      const after = this.missing(r, true)
      if (after !== undefined) throw new Error(after)
      grouper.add(kind, s, r.name, r.dsize)
    }
    return true
  }

  /** A copy of the current path (a copy: the buffer is reused). */
  private get path(): Buffer {
    return Buffer.from(this.pathBuf.subarray(0, this.pathLen))
  }

  private needsSep(): boolean {
    if (this.pathLen === 0) return false
    const last = this.pathBuf[this.pathLen - 1]
    return last !== 0x2f && last !== SEP
  }

  private childPath(name: Buffer): Buffer {
    const p = this.pathBuf.subarray(0, this.pathLen)
    return Buffer.concat(this.needsSep() ? [p, Buffer.from([SEP]), name] : [p, name])
  }

  /** Appends `name` (after a separator) in place: a deep chain copies no path per level. */
  private enter(name: Buffer): void {
    const sep = this.needsSep() ? 1 : 0
    const need = this.pathLen + sep + name.length
    if (need > this.pathBuf.length) {
      const grown = Buffer.alloc(Math.max(need, this.pathBuf.length * 2))
      this.pathBuf.copy(grown, 0, 0, this.pathLen)
      this.pathBuf = grown
    }
    if (sep) this.pathBuf[this.pathLen++] = SEP
    name.copy(this.pathBuf, this.pathLen)
    this.pathLen += name.length
  }

  private error(path: Buffer, listing: boolean): void {
    const syscall = listing ? 'scandir' : 'lstat'
    const error = Object.assign(new Error(`UNKNOWN: ${SAVED_MESSAGE}, ${syscall} '${path.toString()}'`), {
      code: 'UNKNOWN', errno: SAVED_ERRNO, syscall, path: path.toString(),
    }) as NodeJS.ErrnoException
    const e: WalkError = { path, code: 'UNKNOWN', errno: SAVED_ERRNO, message: SAVED_MESSAGE, syscall, error }
    if (this.n.strict) throw new LoadStrict(e)
    const root = this.root!
    root.errorCount++
    if (root.errors.length < MAX_ERRORS) root.errors.push(e)
  }

  /** Every non-directory entry, whatever wrote the export (src-rs/import `count_entry`). */
  countEntry(r: LoadRecord): void {
    const parent = this.frames[this.frames.length - 1]
    if (parent?.skip) return
    const depth = this.frames.length - (this.wrapper ? 1 : 0)
    if (this.listDepth !== undefined && depth <= this.listDepth) {
      this.listed.push({ path: parent ? this.childPath(r.name) : this.path, bytes: r.asize, diskBytes: r.dsize, file: r.kind === 'file', depth })
    }
    if (!this.admit(r)) return
    const path = (): Buffer => (parent ? this.childPath(r.name) : this.path)
    // A non-directory that could not be read is one whose stat failed: nothing of it is
    // known, and a live scan counts nothing of it either, only the error.
    if (r.readError) return this.error(path(), false)
    if (!this.counts(r)) return
    const t: Totals<bigint> = {
      bytes: r.asize,
      diskBytes: r.dsize,
      files: r.kind === 'file' ? 1n : 0n,
      dirs: r.kind === 'dir' ? 1n : 0n,
      symlinks: r.kind === 'symlink' ? 1n : 0n,
      others: r.kind === 'other' ? 1n : 0n,
    }
    if (r.kind === 'file' && this.root!.largest) this.root!.largest.offer({ path: path(), bytes: r.asize, diskBytes: r.dsize })
    add(parent ? parent.totals : this.root!.totals, t)
  }

  private startRoot(name: Buffer): void {
    this.pathLen = 0
    this.enter(trimRoot(name))
    this.root = { path: this.path, totals: zero(), errors: [], errorCount: 0 }
    if (this.n.depth !== undefined) this.root.nodes = []
    if (this.n.top > 0) this.root.largest = new Largest(this.n.top)
    if (this.n.groupBy.length > 0) this.root.grouper = new Grouper(this.n.groupBy, this.n.now, 'mtime')
  }

  private finishRoot(): void {
    const s = this.root!
    this.root = undefined
    this.done = { path: s.path, ...s.totals, errors: s.errors, errorCount: s.errorCount }
    if (s.nodes) this.done.tree = foldTree(s.nodes)
    if (s.largest) this.done.largest = s.largest.sorted()
    if (s.grouper) this.done.groups = s.grouper.lists(this.names)
  }

  openDir(e: RawEntry, depth: number): void {
    if (depth === 0) {
      if (this.done) throw new Error('a second root: one file holds one root')
      this.startRoot(e.name)
    }
    const parent = this.frames[this.frames.length - 1]
    const pathLen = this.pathLen
    if (depth > 0) this.enter(e.name)
    // dirsize writes every directory it stat'ed with its sizes (and mode, with -e); the
    // wrapper of a file root has none: it is not counted, its entry is the root.
    if (depth === 0 && this.dirsize && !e.excluded && e.asize === undefined && e.dsize === undefined && e.mode === undefined) {
      this.wrapper = true
      this.frames.push({ pathLen, dev: e.dev ?? 0n, skip: false, totals: zero() })
      return
    }
    const r = this.record(e, true, parent?.dev ?? 0n)
    const skip = (parent?.skip ?? false) || e.excluded || !this.admit(r)
    const frame: Frame = { pathLen, dev: r.dev, skip, totals: zero() }
    if (!skip) {
      const nodes = this.root!.nodes
      if (nodes) {
        if (depth <= this.n.depth!) {
          const node: TreeNode = { path: this.path, depth, bytes: 0n, diskBytes: 0n, files: 0n }
          if (parent?.bucket) node.parent = parent.bucket
          nodes.push(node)
          frame.bucket = node
        } else frame.bucket = parent?.bucket
      }
      if (r.readError) this.error(this.path, true)
      // Under a file filter a directory is walked, not counted.
      if (this.counts(r)) add(frame.totals, { ...zero(), bytes: r.asize, diskBytes: r.dsize, dirs: 1n })
    }
    this.frames.push(frame)
  }

  entry(e: RawEntry, depth: number): void {
    if (depth === 0) {
      if (this.done) throw new Error('a second root: one file holds one root')
      this.startRoot(e.name)
    }
    if (this.wrapper && depth === 1 && !e.excluded) {
      // A file root: its own path, and its own line in the breakdown (as the walker's).
      const path = this.childPath(e.name)
      this.root!.path = path
      if (this.root!.nodes) {
        const node: TreeNode = { path, depth: 0, bytes: 0n, diskBytes: 0n, files: 0n }
        this.root!.nodes.push(node)
        this.frames[this.frames.length - 1]!.bucket = node
      }
    }
    if (!e.excluded) this.countEntry(this.record(e, false, this.frames[this.frames.length - 1]?.dev ?? 0n))
    if (depth === 0) this.finishRoot()
  }

  closeDir(): void {
    const f = this.frames.pop()!
    this.pathLen = f.pathLen
    add(this.root!.totals, f.totals)
    if (f.bucket) {
      f.bucket.bytes += f.totals.bytes
      f.bucket.diskBytes += f.totals.diskBytes
      f.bucket.files += f.totals.files
    }
    if (this.frames.length === 0) this.finishRoot()
  }
}

/** The reader's grammar (json.rs `read`): header, one root item, the end. */
function readExport(p: Parser, l: Loader): void {
  p.skipWs()
  if (p.peek() === undefined) throw p.err('an empty file (not an ncdu-format export)')
  p.expect(0x5b, "'[' (an ncdu-format export starts with [1,")
  const major = p.nextToken("the format's major version")
  if (!isDigit(major)) {
    p.pos--
    throw p.err("expected the format's major version (1)")
  }
  const m = p.numberText()
  if (m !== '1') throw p.err(`major version ${m} (only 1 is known)`)
  p.expect(0x2c, "','")
  const minor = p.nextToken("the format's minor version")
  if (!isDigit(minor)) {
    p.pos--
    throw p.err("expected the format's minor version")
  }
  p.numberText()
  p.expect(0x2c, "','")
  p.expect(0x7b, 'the metadata object')
  let progname = ''
  p.fields((key, first) => {
    if (key === 'progname' && first === 0x22) progname = p.string().toString('latin1')
    else p.skipValue(first)
  })
  l.gdu = progname === 'gdu'
  l.dirsize = progname === 'dirsize'
  let roots = 0
  for (;;) {
    const c = p.nextToken("',' or ']'")
    if (c === 0x5d) break
    if (c !== 0x2c) {
      p.pos--
      throw p.err(`expected ',' or ']', found ${shown(c)}`)
    }
    items(p, l)
    roots++
  }
  if (roots === 0) throw p.err('no root directory in the export')
  p.skipWs()
  if (p.peek() !== undefined) throw p.err('data after the end of the export')
}

function items(p: Parser, l: Loader): void {
  let depth = 0
  for (;;) {
    p.skipWs()
    const at = p.pos
    const c = p.nextToken('an entry')
    const event = (f: () => void): void => {
      try {
        f()
      } catch (e) {
        if (e instanceof Syntax || e instanceof LoadStrict) throw e
        throw p.err((e as Error).message, at)
      }
    }
    if (c === 0x5b) {
      p.expect(0x7b, "a directory's own entry '{'")
      const e = p.entry()
      event(() => l.openDir(e, depth))
      depth++
    } else if (c === 0x7b) {
      const e = p.entry()
      event(() => l.entry(e, depth))
    } else {
      p.pos--
      throw p.err(`expected an entry ('{' or '['), found ${shown(c)}`)
    }
    for (;;) {
      if (depth === 0) return
      const d = p.nextToken("',' or ']'")
      if (d === 0x2c) break
      if (d === 0x5d) {
        l.closeDir()
        depth--
      } else {
        p.pos--
        throw p.err(`expected ',' or ']', found ${shown(d)}`)
      }
    }
  }
}

/** A file's bytes, decompressed when it starts with gzip's magic. */
function bytesOf(file: string | Buffer): { bytes: Buffer; gzip: boolean; cut?: Syntax } {
  let raw: Buffer
  try {
    raw = fs.readFileSync(file)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const message = (err.message.replace(/^[A-Z]+: /, '').split(',')[0] ?? err.message)
    throw new LoadFailed({ file, message: message.charAt(0).toUpperCase() + message.slice(1), errno: err.errno ?? 0, offset: -1, line: -1, column: -1, gzip: false })
  }
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return { bytes: raw, gzip: false }
  try {
    return { bytes: zlib.gunzipSync(raw), gzip: true }
  } catch (e) {
    // What decompresses before the damage, to say where it is.
    let part: Buffer
    try {
      part = zlib.gunzipSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH })
    } catch {
      part = Buffer.alloc(0)
    }
    const truncated = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end/i.test((e as Error).message)
    const message = truncated ? 'unexpected end of compressed data (a truncated .gz?)' : `corrupt compressed data (${(e as Error).message})`
    let line = 1
    let lineStart = 0
    for (let i = part.indexOf(0x0a); i >= 0; i = part.indexOf(0x0a, i + 1)) {
      line++
      lineStart = i + 1
    }
    return { bytes: part, gzip: true, cut: new Syntax(message, part.length, line, part.length - lineStart + 1) }
  }
}

/** Loads saved scans, one root per file, sharing one link set (src-rs/import `load`). */
export function loadFiles(files: ReadonlyArray<string | Buffer>, n: Normalized, stopped?: () => boolean): WalkRoot[] {
  return loadListing(files, n, stopped).roots
}

/** `loadFiles`, also listing each root's non-directories down to `listDepth` (src-rs/import `load_listing`). */
export function loadListing(
  files: ReadonlyArray<string | Buffer>,
  n: Normalized,
  stopped?: () => boolean,
  listDepth?: number,
): { roots: WalkRoot[]; listed: Listed[][] } {
  const links = new Set<string>()
  const names = new Names()
  const roots: WalkRoot[] = []
  const listed: Listed[][] = []
  for (const file of files) {
    if (stopped?.()) throw new LoadStopped()
    const { bytes, gzip, cut } = bytesOf(file)
    const loader = new Loader(n, links, files.length > 1, listDepth, names)
    try {
      if (cut) {
        // The compressed stream broke: a reader of the bytes before the break still reports
        // the first syntax error in them, else the break itself.
        try {
          readExport(new Parser(bytes), new Loader(n, new Set(), files.length > 1))
        } catch (e) {
          if (e instanceof Syntax && e.offset < bytes.length) throw e
        }
        throw cut
      }
      readExport(new Parser(bytes), loader)
    } catch (e) {
      if (e instanceof Syntax) {
        throw new LoadFailed({ file, message: e.message, errno: 0, offset: e.offset, line: e.line, column: e.column, gzip })
      }
      throw e
    }
    roots.push(loader.done!)
    listed.push(loader.listed)
  }
  return { roots, listed }
}

export class LoadStopped extends Error {}
