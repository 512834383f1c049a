/**
 * A worker thread of the parallel TypeScript walk (parallel.ts): it walks the chunks of
 * directories it is sent with fs's sync calls, which block this thread only (not libuv's
 * pool of 4), hands directories back when others are idle, and answers each chunk with what
 * it added to the root (one message per chunk, or per entry in the benchmark's mode).
 */
import { parentPort, workerData } from 'node:worker_threads'

import type { Normalized } from '../options'
import { TOTAL_KEYS } from '../result'

import { RootWalk, StrictError, toWire, type WalkSetup } from './core'
import { runNodeSync, timesUnread } from './drivers'
import { CONTROL, dirBack, dirOut, errorOut, type FromWorker, partialOut, type ToWorker, type WorkerSetup } from './wire'

const { n, control, live, id, perEntry, chunkDirs, dirsOnce, watch } = workerData as WorkerSetup
const scanWide = { dirsOnce, watch: new Set(watch) }
const options: Normalized = n
const lean = timesUnread(options)
const flags = new Int32Array(control)
const counters = new BigInt64Array(live)
const port = parentPort!
let chunks = 0

/** Entries between two additions into the shared progress counters. */
const LIVE_EVERY = 256

function send(m: FromWorker): void {
  port.postMessage(m)
}

port.on('message', (m: ToWorker) => {
  const mine = { bytes: 0n, diskBytes: 0n, files: 0n, dirs: 0n, symlinks: 0n, others: 0n, errors: 0 }
  // The shared counters' slots, in the order the root's thread reads them (ParallelWalk.progress).
  const keys = TOTAL_KEYS
  let entries = 0
  const publish = (): void => {
    keys.forEach((k, i) => {
      if (mine[k] !== 0n) Atomics.add(counters, i, mine[k])
      mine[k] = 0n
    })
    if (mine.errors !== 0) Atomics.add(counters, keys.length, BigInt(mine.errors))
    mine.errors = 0
  }
  let walk: RootWalk | undefined
  const setup: WalkSetup = {
    buffers: true,
    live: mine,
    stopped: () => {
      if (++entries % LIVE_EVERY === 0) publish()
      if (perEntry && walk) send({ type: 'part', part: partialOut(walk.partial()) })
      return Atomics.load(flags, CONTROL.stop) !== 0
    },
    between: (stack) => {
      // Others are idle and nothing is queued for them: the shallowest half of this stack
      // (the bottom: the largest subtrees still to list) goes back as one chunk.
      if (stack.length >= 2 && Atomics.load(flags, CONTROL.hungry) > 0) {
        Atomics.sub(flags, CONTROL.hungry, 1)
        const give = stack.splice(0, Math.min(chunkDirs, stack.length >> 1))
        send({ type: 'dirs', dirs: give.map((d) => dirOut(toWire(d))) })
      }
      return false
    },
  }
  const sub = RootWalk.subtrees(options, setup, scanWide, m.rootDev, `w${id}.${chunks++}.`, m.dirs.map(dirBack))
  walk = sub.walk
  try {
    runNodeSync(walk.drain(sub.stack), lean)
    publish()
    send({ type: 'done', part: partialOut(walk.partial()) })
  } catch (e) {
    publish()
    if (e instanceof StrictError) send({ type: 'strict', error: errorOut(e.walkError) })
    else send({ type: 'crash', message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack })
  }
})
// The root's thread walks on until one worker is here to take over (parallel.ts).
Atomics.add(flags, CONTROL.ready, 1)
