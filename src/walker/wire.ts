/**
 * What crosses between the root's thread and its workers. Paths travel as latin1 strings (one
 * char per byte, so exact): a Buffer would travel as its whole backing ArrayBuffer, and the
 * small Buffers of readdir and Buffer.concat share 8 KiB pool slabs. An fs error travels as
 * its fields (structured clone keeps only an Error's message) and is rebuilt on arrival.
 */
import type { Normalized } from '../options'

import type { DirWire, RootPartial, WalkError } from './core'

/**
 * The Int32 slots of a scan's control SharedArrayBuffer: the stop flag, how many workers want
 * work, and how many are ready for it (told of the scan, listening).
 */
export const CONTROL = { stop: 0, hungry: 1, ready: 2, size: 3 } as const

/**
 * What a worker is told at the start of each scan (a worker outlives its scan, parallel.ts):
 * the options (those a worker reads: no callback, no signal, no root), the control flags, the
 * progress counters (bytes, diskBytes, files, dirs, symlinks, others, errors), and the
 * internal settings.
 */
export interface ScanSetup {
  n: Normalized
  control: SharedArrayBuffer
  live: SharedArrayBuffer
  /** Several roots without countLinks: a directory counts once, its key reported. */
  dirsOnce: boolean
  /** The roots that are not directories (the watch set's keys). */
  watch: string[]
  perEntry: boolean
  chunkDirs: number
}

/** A path on the wire: its bytes as latin1. */
type WirePath = string

export interface WireDir {
  path: WirePath
  duPath?: WirePath
  depth: number
  bucket?: string
  chain: bigint[]
}

interface WireError {
  message: string
  code?: string
  errno?: number
  syscall?: string
  path?: string
}

export type WirePartial = Omit<RootPartial, 'errors' | 'buckets' | 'largest' | 'links'> & {
  errors: (Omit<WalkError, 'path' | 'error'> & { path: WirePath; error: WireError })[]
  buckets: (Omit<RootPartial['buckets'][number], 'def'> & { def?: { parent?: string; path: WirePath; depth: number } })[]
  largest: (Omit<RootPartial['largest'][number], 'path'> & { path: WirePath })[]
  links: (Omit<RootPartial['links'][number], 'path' | 'name'> & { path: WirePath; name: WirePath })[]
}

/** Messages from a worker. */
export type FromWorker =
  | { type: 'dirs'; dirs: WireDir[] }
  | { type: 'part'; part: WirePartial }
  | { type: 'done'; part: WirePartial }
  | { type: 'strict'; error: WirePartial['errors'][number] }
  | { type: 'crash'; message: string; stack?: string }

/** Messages to a worker: a scan starts, or a chunk of directories of that scan, all of one root. */
export type ToWorker = { type: 'scan'; scan: ScanSetup } | { type: 'dirs'; dirs: WireDir[]; rootDev?: bigint }

function out(p: string | Buffer): WirePath {
  // The parallel walk reads the real fs with Buffer paths only; a string is its own UTF-8.
  return (typeof p === 'string' ? Buffer.from(p) : p).toString('latin1')
}

function back(p: WirePath): Buffer {
  return Buffer.from(p, 'latin1')
}

export function dirOut(d: DirWire): WireDir {
  return { path: out(d.path), duPath: d.duPath && out(d.duPath), depth: d.depth, bucket: d.bucket, chain: d.chain }
}

export function dirBack(d: WireDir): DirWire {
  return { path: back(d.path), duPath: d.duPath === undefined ? undefined : back(d.duPath), depth: d.depth, bucket: d.bucket, chain: d.chain }
}

export function errorOut(e: WalkError): WirePartial['errors'][number] {
  const { error, path, ...rest } = e
  const x: WireError = { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall }
  if (error.path !== undefined) x.path = String(error.path)
  return { ...rest, path: out(path), error: x }
}

export function errorBack(e: WirePartial['errors'][number]): WalkError {
  const { error, path, ...rest } = e
  const { message, ...fields } = error
  return { ...rest, path: back(path), error: Object.assign(new Error(message), fields) }
}

export function partialOut(p: RootPartial): WirePartial {
  return {
    groups: p.groups,
    dirs: p.dirs,
    totals: p.totals,
    errorCount: p.errorCount,
    errors: p.errors.map(errorOut),
    buckets: p.buckets.map((b) => ({ ...b, def: b.def && { ...b.def, path: out(b.def.path) } })),
    largest: p.largest.map((f) => ({ ...f, path: out(f.path) })),
    links: p.links.map((l) => ({ ...l, path: out(l.path), name: out(l.name) })),
  }
}

export function partialBack(p: WirePartial): RootPartial {
  return {
    groups: p.groups,
    dirs: p.dirs,
    totals: p.totals,
    errorCount: p.errorCount,
    errors: p.errors.map(errorBack),
    buckets: p.buckets.map((b) => ({ ...b, def: b.def && { ...b.def, path: back(b.def.path) } })),
    largest: p.largest.map((f) => ({ ...f, path: back(f.path) })),
    links: p.links.map((l) => ({ ...l, path: back(l.path), name: back(l.name) })),
  }
}
