/**
 * `exportScan`: a scan that also saves the tree in ncdu's JSON format (dev.yorhel.nl/ncdu/jsonfmt)
 * to a file or a stream. The native walker writes the document itself (src-rs/export.rs)
 * and hands it over in chunks; the TypeScript walker's twin is src/walker/export.ts. Either
 * way this module only moves bytes: through gzip if asked, into the file or the stream, one
 * chunk at a time (the next one is asked for when the sink has taken the last).
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

import { optionTypeError, systemError } from '../errors'
import { binding, scanNative } from '../native'
import { type Normalized, normalize } from '../options'
import { backend } from '../scan'
import type { Num, Options, PathArg, Result } from '../types'
import { ExportTree, rootName } from '../walker/export'

export interface ExportOptions extends Options {
  /**
   * Where the document goes: a file path (written beside it under a temporary name and
   * renamed when whole, so the path never holds half a document), or a Writable stream
   * (ended when the document is, unless it is process.stdout or process.stderr).
   */
  output: string | NodeJS.WritableStream
  /** ncdu's extended fields too (`ncdu -e`): uid, gid, mode, mtime. */
  extended?: boolean
  /** Gzip the document; default: when `output` is a path ending in `.gz`. */
  gzip?: boolean
}

const OWN = ['output', 'extended', 'gzip'] as const

interface Checked {
  n: Normalized
  output: string | NodeJS.WritableStream
  extended: boolean
  gzip: boolean
}

/** The scan options as `normalize` checks them, and the export's own, each read once. */
function check(paths: unknown, options: unknown): Checked {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw optionTypeError('options', 'an object with `output`', options)
  const o = options as Record<string, unknown>
  const own: Record<string, unknown> = {}
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(o)) (OWN.includes(key as (typeof OWN)[number]) ? own : rest)[key] = o[key]
  const n = normalize(paths, rest)
  // ncdu's document holds one tree.
  if (n.roots.length !== 1) throw optionTypeError('paths', "one path (ncdu's format holds one tree)", paths)
  const output = own.output
  if (typeof output === 'string') {
    if (output.length === 0 || output.includes('\0')) throw optionTypeError('output', 'a file path or a Writable stream', output)
  } else if (!isWritable(output)) {
    throw optionTypeError('output', 'a file path or a Writable stream', output)
  }
  for (const name of ['extended', 'gzip'] as const) {
    if (own[name] !== undefined && typeof own[name] !== 'boolean') throw optionTypeError(name, 'a boolean', own[name])
  }
  const gzip = (own.gzip as boolean | undefined) ?? (typeof output === 'string' && output.endsWith('.gz'))
  return { n, output, extended: own.extended === true, gzip }
}

function isWritable(v: unknown): v is NodeJS.WritableStream {
  if (v instanceof Writable) return true
  const w = v as Partial<NodeJS.WritableStream> | null
  return typeof w === 'object' && w !== null && typeof w.write === 'function' && typeof w.end === 'function' && typeof w.on === 'function'
}

/**
 * Scans one path, as `dirsize` does, and saves the tree in ncdu's JSON format to `output`;
 * resolves with the scan's Result once the document is written whole (api.ts types it).
 */
export async function exportScan(p: PathArg, options: ExportOptions): Promise<Result<Num>> {
  const { n, output, extended, gzip } = check(p, options)
  const file = typeof output === 'string' ? await Temp.open(output) : undefined
  const sink = file ? file.stream : (output as NodeJS.WritableStream)
  const end = sink !== process.stdout && sink !== process.stderr
  const written = { bytes: 0 }
  const count = async function* (chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of chunks) {
      written.bytes += c.length
      yield c
    }
  }
  const write = (chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<void> => {
    const source = Readable.from(count(chunks), { objectMode: false })
    return gzip ? pipeline(source, createGzip(), sink, { end }) : pipeline(source, sink, { end })
  }
  try {
    const result = backend === 'native' ? await nativeExport(n, extended, write) : await tsExport(n, extended, write)
    if (written.bytes === 0) {
      // The root could not be read (an array root does not reject): there is no tree.
      const failed = result.roots?.[0]?.rootError
      throw failed ? systemError(failed) : new Error('dirsize: nothing to export')
    }
    await file?.commit()
    return result
  } catch (e) {
    await file?.discard()
    throw e
  }
}

type Write = (chunks: AsyncIterable<Buffer> | Iterable<Buffer>) => Promise<void>

/** The native walker writes the document as the walk ends; the chunks are written as they come. */
async function nativeExport(n: Normalized, extended: boolean, write: Write): Promise<Result<Num>> {
  const b = binding()!
  const chunks = new b.ExportChunks()
  const pull = async function* (): AsyncGenerator<Buffer> {
    for (let c = await chunks.next(); c !== null; c = await chunks.next()) yield c
  }
  const scanned = scanNative(b, n, (onProgress, onRoot, token) => b.exportScan(n.roots, n, extended, chunks, onProgress, onRoot, token))
  // A scan that fails (or never starts: aborted already) writes nothing: the chunks end.
  scanned.catch(() => chunks.close())
  // A failed sink stops the writer (its next chunk finds the channel closed), and the scan
  // then ends as it would have.
  const written = write(pull()).catch((e: unknown) => {
    chunks.close()
    throw e
  })
  const [r, w] = await Promise.allSettled([scanned, written])
  if (w.status === 'rejected') throw w.reason
  if (r.status === 'rejected') throw r.reason
  return r.value
}

/** The TypeScript walker builds the tree as it walks and writes it once the walk is done. */
async function tsExport(n: Normalized, extended: boolean, write: Write): Promise<Result<Num>> {
  const tree = new ExportTree(rootName(n.roots[0]!, n.followSymlinks), extended, n.countLinks)
  const { scanTs } = require('../walker/scan-ts') as typeof import('../walker/scan-ts')
  const result = await scanTs(n, { export: tree })
  await write(tree.chunks(Math.floor(Date.now() / 1000)))
  return result
}

/**
 * A file written under a temporary name beside its path and renamed onto it once whole:
 * a reader never finds half a document there, and a failed export leaves what was there.
 */
class Temp {
  private constructor(
    private readonly target: string,
    private readonly temp: string,
    readonly stream: fs.WriteStream,
  ) {}

  static async open(target: string): Promise<Temp> {
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`)
    let handle: fs.promises.FileHandle
    try {
      handle = await fs.promises.open(temp, 'wx', 0o666)
    } catch (e) {
      // The error names the path the caller gave, not the temporary one.
      const err = e as NodeJS.ErrnoException
      err.message = err.message.split(temp).join(target)
      err.path = target
      throw err
    }
    return new Temp(target, temp, handle.createWriteStream())
  }

  async commit(): Promise<void> {
    await fs.promises.rename(this.temp, this.target)
  }

  async discard(): Promise<void> {
    this.stream.destroy()
    await fs.promises.rm(this.temp, { force: true })
  }
}
