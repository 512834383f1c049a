/** Runs the walker's file-system calls: async (fs.promises or a caller's fs) or sync. */
import fs from 'node:fs'

import type { Normalized } from '../options'

import type { FsAnswer, FsCall, FsPath, StatLike } from './core'

/** The fs a caller may pass (get-folder-size's shape): promise-returning lstat and readdir. */
export interface AsyncFs {
  lstat(path: string, options?: { bigint?: true }): Promise<StatLike>
  stat?(path: string, options?: { bigint?: true }): Promise<StatLike>
  readdir(path: string): Promise<string[]>
}

type Walk = Generator<FsCall, void, FsAnswer>

function answer(value: StatLike | FsPath[]): FsAnswer {
  return { ok: true, value }
}

function failed(error: unknown): FsAnswer {
  return { ok: false, error: error as NodeJS.ErrnoException }
}

/** With the real fs, paths are Buffers: names that are not UTF-8 survive the round trip. */
export async function runNodeAsync<T>(walk: Generator<FsCall, T, FsAnswer>): Promise<T> {
  let step = walk.next(undefined as unknown as FsAnswer)
  while (!step.done) {
    const call = step.value
    let a: FsAnswer
    try {
      if (call.op === 'readdir') a = answer(await fs.promises.readdir(call.path, { encoding: 'buffer' }))
      else a = answer(await fs.promises[call.op](call.path, { bigint: true }))
    } catch (e) {
      a = failed(e)
    }
    step = walk.next(a)
  }
  return step.value
}

/**
 * Whether a scan reads no file times (no age groups, no time filter; the export, which reads
 * mtime, never walks with runNodeSync). Then number Stats serve (leanStat): BigIntStats
 * cost ~7% more per lstat on the Linux tree, building 4 Dates and 4 nanosecond BigInts an
 * entry, and a number mtimeMs cannot give the exact second the times need.
 */
export function timesUnread(n: Normalized): boolean {
  return !n.groupBy.includes('age') && n.filter?.olderThan === undefined && n.filter?.newerThan === undefined
}

const DIR = 1
const LINK = 2
const FILE = 3
const OTHER = 4

/**
 * A number Stats' fields as the walker takes them (bigint), with no times nor mode (the
 * export's alone, and it does not walk here): each BigInt is an allocation an entry.
 */
class LeanStat implements StatLike {
  size: bigint
  blocks: bigint
  dev: bigint
  ino: bigint
  nlink: bigint
  uid: bigint
  gid: bigint
  private readonly kind: number

  constructor(s: fs.Stats) {
    this.size = BigInt(s.size)
    this.blocks = BigInt(s.blocks)
    this.dev = BigInt(s.dev)
    this.ino = BigInt(s.ino)
    this.nlink = BigInt(s.nlink)
    this.uid = BigInt(s.uid)
    this.gid = BigInt(s.gid)
    this.kind = s.isDirectory() ? DIR : s.isSymbolicLink() ? LINK : s.isFile() ? FILE : OTHER
  }

  isDirectory(): boolean {
    return this.kind === DIR
  }

  isSymbolicLink(): boolean {
    return this.kind === LINK
  }

  isFile(): boolean {
    return this.kind === FILE
  }
}

/**
 * The stat as number Stats, or as BigIntStats when a number may have been rounded (a double
 * holds integers exactly only up to 2^53: an inode number on some file systems, a sparse
 * file's size). A value past that is still read as past it, so the check cannot miss.
 */
function leanStat(path: FsPath, follow: boolean): StatLike {
  const s = follow ? fs.statSync(path) : fs.lstatSync(path)
  const max = Number.MAX_SAFE_INTEGER
  if (s.ino > max || s.size > max || s.blocks > max || s.dev > max || s.nlink > max) {
    return follow ? fs.statSync(path, { bigint: true }) : fs.lstatSync(path, { bigint: true })
  }
  return new LeanStat(s)
}

/**
 * Answers with fs's sync calls, on this thread (a worker's, or dirsizeSync's); gives the
 * walk's value. `lean` (timesUnread): number Stats where they are exact.
 */
export function runNodeSync<T>(walk: Generator<FsCall, T, FsAnswer>, lean = false): T {
  let step = walk.next(undefined as unknown as FsAnswer)
  while (!step.done) {
    const call = step.value
    let a: FsAnswer
    try {
      if (call.op === 'readdir') a = answer(fs.readdirSync(call.path, { encoding: 'buffer' }))
      else if (lean) a = answer(leanStat(call.path, call.op === 'stat'))
      else if (call.op === 'lstat') a = answer(fs.lstatSync(call.path, { bigint: true }))
      else a = answer(fs.statSync(call.path, { bigint: true }))
    } catch (e) {
      a = failed(e)
    }
    step = walk.next(a)
  }
  return step.value
}

/** A caller's fs (memfs, say): string paths, and only the calls get-folder-size makes. */
export async function runCustomAsync(walk: Walk, custom: AsyncFs): Promise<void> {
  let step = walk.next(undefined as unknown as FsAnswer)
  while (!step.done) {
    const call = step.value
    const path = String(call.path)
    let a: FsAnswer
    try {
      if (call.op === 'readdir') a = answer(await custom.readdir(path))
      else if (call.op === 'stat' && custom.stat) a = answer(await custom.stat(path, { bigint: true }))
      else a = answer(await custom.lstat(path, { bigint: true }))
    } catch (e) {
      a = failed(e)
    }
    step = walk.next(a)
  }
}
