/**
 * A scan saved in ncdu's JSON format, from the TypeScript walker: the twin of
 * src-rs/export.rs (same document, children perhaps in another order). The walker (core.ts)
 * calls it where it counts, refuses or fails an entry; once the walk has ended `chunks`
 * gives the document.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

import type { StatLike } from './stat'

/** Bytes per chunk, as the native writer's. */
const CHUNK = 256 * 1024

/** How an entry the walker refused shows (export.rs `Refused`). */
export type Refused = 'otherfs' | 'counted'

/** A directory of the document: its info (without its closing brace) and its children. */
export interface ExportDir {
  info: Buffer
  dev: bigint | undefined
  readError: boolean
  /** Entries, each `,\n{...}`, and subdirectories, in the order they came. */
  parts: Array<Buffer | ExportDir>
}

export class ExportTree {
  private root: ExportDir | undefined

  constructor(
    private readonly rootName: Buffer,
    private readonly extended: boolean,
    private readonly countLinks: boolean,
  ) {}

  /** The node of a directory the walker enters: the root's, or a child of `parent`. */
  dir(parent: ExportDir | undefined, name: Buffer, s: StatLike): ExportDir {
    const info = this.fields(parent ? name : this.rootName, s, parent ? parent.dev : null)
    const node: ExportDir = { info: latin1(info), dev: s.dev, readError: false, parts: [] }
    if (parent) parent.parts.push(node)
    else this.root = node
    return node
  }

  /** A root that is not a directory: the one entry of its parent, which has no size of its own. */
  fileRoot(s: StatLike): void {
    const at = this.rootName.lastIndexOf(0x2f)
    const parent = at < 0 ? Buffer.from('.') : at === 0 ? Buffer.from('/') : this.rootName.subarray(0, at)
    const name = this.rootName.subarray(at + 1)
    const node: ExportDir = { info: latin1(`{"name":${str(parent)},"dev":${s.dev ?? 0n}`), dev: s.dev, readError: false, parts: [] }
    this.entry(node, name, s)
    this.root = node
  }

  excludedRoot(): void {
    this.root = { info: latin1(`{"name":${str(this.rootName)},"excluded":"pattern"`), dev: undefined, readError: false, parts: [] }
  }

  /** A non-directory the walker counted. */
  entry(parent: ExportDir, name: Buffer, s: StatLike): void {
    parent.parts.push(latin1(`,\n${this.fields(name, s, parent.dev)}}`))
  }

  /** An entry the walker refused, if ncdu lists it. */
  refused(parent: ExportDir, name: Buffer, s: StatLike, why: Refused): void {
    if (why === 'otherfs') {
      const dev = s.dev !== parent.dev ? `,"dev":${s.dev ?? 0n}` : ''
      const body = `{"name":${str(name)}${dev},"excluded":"otherfs"}`
      parent.parts.push(latin1(s.isDirectory() ? `,\n[${body}]` : `,\n${body}`))
    } else if (this.linked(s)) {
      this.entry(parent, name, s)
    }
  }

  excluded(parent: ExportDir, name: Buffer): void {
    parent.parts.push(latin1(`,\n{"name":${str(name)},"excluded":"pattern"}`))
  }

  unreadable(parent: ExportDir, name: Buffer): void {
    parent.parts.push(latin1(`,\n{"name":${str(name)},"read_error":true}`))
  }

  private linked(s: StatLike): boolean {
    return !this.countLinks && !s.isDirectory() && (s.nlink ?? 1n) > 1n
  }

  /** `{` and every field ncdu writes, in its order, but the closing brace. */
  private fields(name: Buffer, s: StatLike, parentDev: bigint | undefined | null): string {
    let f = `{"name":${str(name)}`
    if (s.size > 0n) f += `,"asize":${s.size}`
    const disk = (s.blocks ?? 0n) * 512n
    if (disk > 0n) f += `,"dsize":${disk}`
    if (parentDev === null || parentDev !== s.dev) f += `,"dev":${s.dev ?? 0n}`
    if (this.extended) f += `,"uid":${s.uid ?? 0n},"gid":${s.gid ?? 0n},"mode":${s.mode ?? 0n},"mtime":${mtimeOf(s)}`
    if (this.linked(s)) f += `,"ino":${s.ino},"hlnkc":true,"nlink":${s.nlink}`
    if (!s.isDirectory() && !(s.isFile?.() ?? true)) f += ',"notreg":true'
    return f
  }

  /** The document, in chunks, once the walk has ended (nothing when the root could not be read). */
  *chunks(timestamp: number): Generator<Buffer> {
    const root = this.root
    if (!root) return
    let pending: Buffer[] = []
    let size = 0
    const put = (b: Buffer | string): Buffer | undefined => {
      const buf = typeof b === 'string' ? latin1(b) : b
      pending.push(buf)
      size += buf.length
      if (size < CHUNK) return undefined
      const chunk = Buffer.concat(pending)
      pending = []
      size = 0
      return chunk
    }
    const open = (d: ExportDir): Buffer[] =>
      [put('['), put(d.info), put(d.readError ? ',"read_error":true}' : '}')].filter((c): c is Buffer => c !== undefined)
    let c = put(`[1,2,{"progname":"dirsize","progver":"${version()}","timestamp":${timestamp}},\n`)
    if (c) yield c
    yield* open(root)
    // A loop, not recursion: a tree thousands of directories deep.
    const stack: Array<{ dir: ExportDir; at: number }> = [{ dir: root, at: 0 }]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const part = top.dir.parts[top.at++]
      if (part === undefined) {
        top.dir.parts = []
        stack.pop()
        if ((c = put(']'))) yield c
      } else if (Buffer.isBuffer(part)) {
        if ((c = put(part))) yield c
      } else {
        if ((c = put(',\n'))) yield c
        yield* open(part)
        stack.push({ dir: part, at: 0 })
      }
    }
    put(']')
    if (size > 0) yield Buffer.concat(pending)
  }
}

/**
 * The root's name as ncdu writes it (export.rs `root_name`): its absolute path, symlinks
 * resolved; a symlink root the walk does not follow keeps its name in its resolved parent.
 */
export function rootName(root: string | Buffer, follow: boolean): Buffer {
  const p = typeof root === 'string' ? Buffer.from(root) : root
  try {
    if (!follow && fs.lstatSync(p).isSymbolicLink()) {
      const at = p.lastIndexOf(0x2f)
      const parent = at < 0 ? Buffer.from('.') : at === 0 ? Buffer.from('/') : p.subarray(0, at)
      const real = fs.realpathSync(parent, { encoding: 'buffer' })
      return Buffer.concat([real, Buffer.from(real[real.length - 1] === 0x2f ? '' : '/'), p.subarray(at + 1)])
    }
    return fs.realpathSync(p, { encoding: 'buffer' })
  } catch {
    return p
  }
}

let pkgVersion: string | undefined
function version(): string {
  // dist/src/walker/export.js (or src/walker/export.ts) up to the package root.
  pkgVersion ??= (JSON.parse(fs.readFileSync(path.join(__dirname, findUp(), 'package.json'), 'utf8')) as { version: string }).version
  return pkgVersion
}

function findUp(): string {
  for (const up of ['../..', '../../..']) if (fs.existsSync(path.join(__dirname, up, 'package.json'))) return up
  return '../..'
}

function mtimeOf(s: StatLike): bigint {
  // Whole seconds, rounded down as st_mtime is (before 1970 too).
  const ms = s.mtimeMs ?? 0n
  return ms >= 0n ? ms / 1000n : -((-ms + 999n) / 1000n)
}

function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1')
}

/** A name as a JSON string, escaped as ncdu escapes it (export.rs `string`): other bytes as they are. */
function str(name: Buffer): string {
  // latin1 maps each byte to one code unit and back, so a name that is not UTF-8 keeps its
  // exact bytes through the string (`latin1` turns it back into those bytes).
  let out = '"'
  for (const b of name) {
    if (b === 0x22) out += '\\"'
    else if (b === 0x5c) out += '\\\\'
    else if (b === 0x0a) out += '\\n'
    else if (b === 0x0d) out += '\\r'
    else if (b === 0x09) out += '\\t'
    else if (b === 0x08) out += '\\b'
    else if (b === 0x0c) out += '\\f'
    else if (b < 0x20 || b === 0x7f) out += `\\u00${b.toString(16).padStart(2, '0')}`
    else out += String.fromCharCode(b)
  }
  return out + '"'
}
