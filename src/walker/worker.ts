/**
 * A worker thread of the parallel TypeScript walk (parallel.ts): told of a scan, it walks the
 * chunks of directories it is sent with fs's sync calls, which block this thread only (not
 * libuv's pool of 4), hands directories back when others are idle, and answers each chunk
 * with what it added to the root (one message per chunk, or per entry in the benchmark's
 * mode). It outlives its scan, idle, for the next one (parallel.ts keeps it).
 */
import { parentPort, workerData } from 'node:worker_threads'

import { TOTAL_KEYS } from '../result'

import { RootWalk, StrictError, toWire, type WalkSetup } from './core'
import { runNodeSync, timesUnread } from './drivers'
import { CONTROL, dirBack, dirOut, errorOut, type FromWorker, partialOut, type ScanSetup, type ToWorker } from './wire'

/** This worker's number, for keys that must differ between workers (the -d buckets it adds). */
const id = workerData as number
const port = parentPort!
let chunks = 0

/** The scan being walked: its setup, as the chunks read it. */
interface Scan {
  setup: ScanSetup
  lean: boolean
  flags: Int32Array
  counters: BigInt64Array
  scanWide: { dirsOnce: boolean; watch: Set<string> }
}
let scan: Scan | undefined

/** Entries between two additions into the shared progress counters. */
const LIVE_EVERY = 256

function send(m: FromWorker): void {
  port.postMessage(m)
}

function walkChunk(s: Scan, dirs: ToWorker & { type: 'dirs' }): void {
  const { flags, counters } = s
  const { n: options, perEntry, chunkDirs } = s.setup
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
  const sub = RootWalk.subtrees(options, setup, s.scanWide, dirs.rootDev, `w${id}.${chunks++}.`, dirs.dirs.map(dirBack))
  walk = sub.walk
  try {
    runNodeSync(walk.drain(sub.stack), s.lean)
    publish()
    send({ type: 'done', part: partialOut(walk.partial()) })
  } catch (e) {
    publish()
    if (e instanceof StrictError) send({ type: 'strict', error: errorOut(e.walkError) })
    else send({ type: 'crash', message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack })
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'dirs') {
    walkChunk(scan!, m)
    return
  }
  const setup = m.scan
  const flags = new Int32Array(setup.control)
  scan = { setup, lean: timesUnread(setup.n), flags, counters: new BigInt64Array(setup.live), scanWide: { dirsOnce: setup.dirsOnce, watch: new Set(setup.watch) } }
  // The root's thread walks on until one worker is here to take over (parallel.ts).
  Atomics.add(flags, CONTROL.ready, 1)
})
