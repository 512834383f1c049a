/** Runs the walker's file-system calls: async (fs.promises or a caller's fs) or sync. */
import fs from 'node:fs'

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

/** Answers with fs's sync calls, on this thread (a worker's, or dirsizeSync's); gives the walk's value. */
export function runNodeSync<T>(walk: Generator<FsCall, T, FsAnswer>): T {
  let step = walk.next(undefined as unknown as FsAnswer)
  while (!step.done) {
    const call = step.value
    let a: FsAnswer
    try {
      if (call.op === 'readdir') a = answer(fs.readdirSync(call.path, { encoding: 'buffer' }))
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
