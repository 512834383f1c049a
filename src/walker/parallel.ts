/**
 * The TypeScript walker on worker threads, for the async API on the real fs. The calling
 * thread stats each root and walks the first entries itself with fs's sync calls: a small
 * tree ends there, never paying for a worker. A larger one hands its directories still to
 * list to workers (worker.ts) in chunks; each walks its share depth first with sync calls
 * (they block the worker's own thread, not libuv's pool of 4), hands half its stack back
 * when another worker is idle, and answers each chunk with one partial root result, which
 * the root's RootWalk merges: sums, errors, buckets, top files, and the hard-linked entries
 * it decides here, so the one link set stays on this thread, in root order.
 *
 * Several roots (without countLinks) count a directory once across them: the workers list
 * the directories they admitted, the root's thread checks them against the scan's set, and
 * a root where one was counted before (roots that overlap, a bind mount reached twice) is
 * undone and walked again serially on this thread, with async calls. followSymlinks walks
 * serially (there most directories could be reached twice), and so does a caller's own fs
 * (it cannot cross into a worker) (scan-ts.ts).
 *
 * Internal settings, read once (the benchmark and the tests set them):
 * DIRSIZE_TS_SERIAL: entries walked on the calling thread before workers take over (SERIAL_ENTRIES);
 * DIRSIZE_TS_WORKERS: the worker count when `threads` is not given;
 * DIRSIZE_TS_CHUNK: directories per chunk message (CHUNK_DIRS);
 * DIRSIZE_TS_PER_FILE=1: a worker sends its partial after every entry (the benchmark's
 * "one message per file" row, to show what messages cost);
 * DIRSIZE_TS_PARALLEL=0: no workers, the async serial walk (the benchmark's serial row).
 */
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

import type { Normalized } from '../options'
import { entryCount, TOTAL_KEYS, zeroTotals } from '../result'
import type { Totals } from '../types'

import { type DirWork, RootWalk, rootOf, sharedRoots, StrictError, toWire, type WalkRoot, type WalkSetup } from './core'
import { runNodeAsync, runNodeSync, timesUnread } from './drivers'
import { CONTROL, dirOut, errorBack, type FromWorker, partialBack, type ToWorker, type WireDir, type WorkerSetup } from './wire'

/**
 * Entries the calling thread walks before it hands the rest to workers (at least: it walks
 * on until one is ready, see SERIAL_CAP; it starts them half way). Measured here: a
 * worker takes 21 ms at best from start to its first message (86 ms median on a loaded
 * machine), a sync walk ~5 us an entry (the Linux tree's 84k in ~430 ms). So a tree this
 * small is done in ~10 ms, before one worker could answer, and the event loop is held about
 * that long (the check falls between directories: one huge directory is listed whole).
 */
const SERIAL_ENTRIES = 2000

/**
 * The calling thread walks on past SERIAL_ENTRIES until a worker is ready, but at most this
 * many times that many entries (~100 ms: 8 x 2,000 at ~6 us an entry), so that a machine
 * too loaded to start a thread soon still sees its event loop (progress) move.
 */
const SERIAL_CAP = 8

/**
 * Directories per chunk message: few messages, and still enough chunks to spread. Measured
 * on the Linux tree at 2 workers (median of 9, load 10-14): 4, 64 and 256 gave 669, 681
 * and 743 ms, within the noise, since most work moves by a worker halving its stack.
 */
const CHUNK_DIRS = 64

function envInt(name: string, fallback: number, min: number): number {
  const v = process.env[name]
  if (v === undefined || v === '') return fallback
  const x = Number(v)
  return Number.isInteger(x) && x >= min ? x : fallback
}

const settings = {
  serialEntries: envInt('DIRSIZE_TS_SERIAL', SERIAL_ENTRIES, 0),
  defaultWorkers: envInt('DIRSIZE_TS_WORKERS', Math.min(os.availableParallelism(), 64), 1),
  chunkDirs: envInt('DIRSIZE_TS_CHUNK', CHUNK_DIRS, 1),
  perEntry: process.env.DIRSIZE_TS_PER_FILE === '1',
  never: process.env.DIRSIZE_TS_PARALLEL === '0',
}

let started = 0

/** Worker threads started by this module so far (the tests check that small trees start none). */
export function workersStarted(): number {
  return started
}

/** Whether a scan can walk in parallel (see the module doc). */
export function parallelFits(n: Normalized): boolean {
  return !settings.never && !n.followSymlinks
}

/**
 * Workers past this many cost memory (each is a V8 isolate, ~10 MiB) and gain nothing: the
 * native default stops at 64 threads too.
 */
const MAX_WORKERS = 64

/** The worker count: `threads` (at most MAX_WORKERS), else the default (one per core). */
export function workerCount(n: Normalized): number {
  return Math.min(n.threads ?? settings.defaultWorkers, MAX_WORKERS)
}

/** The link set, with a journal of what one root added: a root walked again undoes it. */
class JournalSet extends Set<string> {
  journal: string[] | undefined

  override add(key: string): this {
    this.journal?.push(key)
    return super.add(key)
  }

  undo(): void {
    for (const k of this.journal ?? []) this.delete(k)
    this.journal = []
  }
}

/** One parallel scan: its roots in order, its workers (started when first needed), its stop. */
export class ParallelWalk {
  private readonly control = new SharedArrayBuffer(CONTROL.size * 4)
  private readonly flags = new Int32Array(this.control)
  private readonly liveShared = new SharedArrayBuffer((TOTAL_KEYS.length + 1) * 8)
  private readonly counters = new BigInt64Array(this.liveShared)
  private workers: Worker[] | undefined
  /** What the workers need to know of the scan's roots. */
  private scanWide = { dirsOnce: false, watch: [] as string[] }
  /** Settles the root being walked by workers at once when the scan stops. */
  private interrupt: (() => void) | undefined

  constructor(
    private readonly n: Normalized,
    private readonly setup: WalkSetup & { live: Totals<bigint> & { errors: number } },
  ) {}

  /** Stops the workers between two entries (abort, a progress callback that threw). */
  stop(): void {
    Atomics.store(this.flags, CONTROL.stop, 1)
    this.interrupt?.()
  }

  /** Counters so far: this thread's and the workers'. */
  progress(): Totals<bigint> & { errors: number } {
    const live = this.setup.live
    const t = { ...zeroTotals(), errors: live.errors + Number(Atomics.load(this.counters, TOTAL_KEYS.length)) }
    TOTAL_KEYS.forEach((k, i) => {
      t[k] = live[k] + Atomics.load(this.counters, i)
    })
    return t
  }

  /** Walks every root in order, handing each finished one to `each`; stops short as walkRoots does. */
  async run(each: (r: WalkRoot) => void): Promise<void> {
    const setup = this.setup
    const live = setup.live
    const budget = settings.serialEntries
    let ready = false
    // The calling thread's share ends between two directories, once the budget is spent and
    // a worker is ready to take over: half way there the tree will likely outlast it, so the
    // workers start then, and this thread walks on while they start (~20-45 ms each here,
    // more under load) rather than wait idle. SERIAL_CAP bounds how long it holds the event
    // loop so. A budget of 0 (the tests' setting) hands every tree over at once.
    const between = (): boolean => {
      const done = entryCount(live) + BigInt(live.errors)
      if (ready && done * 2n >= budget) this.start()
      if (done < budget) return false
      return budget === 0 || Atomics.load(this.flags, CONTROL.ready) > 0 || done >= budget * SERIAL_CAP
    }
    const seen = new JournalSet()
    const lean = timesUnread(this.n)
    const shared = runNodeSync(sharedRoots(this.n, { ...setup, between }, seen), lean)
    this.scanWide = { dirsOnce: shared.dirsOnce, watch: [...shared.watch] }
    ready = true
    try {
      for (const root of this.n.roots) {
        seen.journal = []
        const walk = new RootWalk(rootOf(root), shared, 'm')
        const stack = runNodeSync(walk.begin(), lean)
        if (stack && runNodeSync(walk.drain(stack), lean) === 'paused') await this.onWorkers(walk, stack)
        if (setup.stopped?.()) return
        if (!walk.collided) {
          each(walk.finished())
          continue
        }
        // The progress counters keep what the undone walk counted: they only ever grow.
        seen.undo()
        const again = await runNodeAsync(new RootWalk(rootOf(root), { ...shared, setup }).walk())
        if (setup.stopped?.()) return
        each(again)
      }
    } finally {
      this.close()
    }
  }

  private start(): Worker[] {
    if (this.workers) return this.workers
    // The callbacks and the signal cannot cross (nor do the workers need them), nor the roots.
    const n: Normalized = { ...this.n, signal: undefined, onProgress: undefined, onRoot: undefined, roots: [] }
    const file = path.join(__dirname, `worker${path.extname(__filename)}`)
    const count = workerCount(this.n)
    this.workers = []
    for (let id = 0; id < count; id++) {
      const workerData: WorkerSetup = { n, control: this.control, live: this.liveShared, id, ...this.scanWide, perEntry: settings.perEntry, chunkDirs: settings.chunkDirs }
      this.workers.push(new Worker(file, { workerData }))
      started++
    }
    return this.workers
  }

  /** Workers walk what is left of a root; resolves when all are idle with nothing queued. */
  private onWorkers(walk: RootWalk, stack: DirWork[]): Promise<void> {
    const workers = this.start()
    const rootDev = walk.dev
    const size = Math.max(1, Math.min(settings.chunkDirs, Math.ceil(stack.length / workers.length)))
    const queue: WireDir[][] = []
    // The bottom of the stack first: the shallowest directories, the largest subtrees.
    for (let i = 0; i < stack.length; i += size) queue.push(stack.slice(i, i + size).map((d) => dirOut(toWire(d))))
    const idle = [...workers]
    const busy = new Set<Worker>()
    let failure: Error | undefined
    return new Promise<void>((resolve, reject) => {
      const stopped = (): boolean => Atomics.load(this.flags, CONTROL.stop) !== 0
      let settled = false
      const settle = (): void => {
        // A stop settles at once: a worker still in a sync call would answer only after it,
        // and its answer is no longer wanted (close() ends it).
        if (settled || (busy.size > 0 && !stopped())) return
        settled = true
        for (const w of workers) {
          w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit')
        }
        this.interrupt = undefined
        if (failure) reject(failure)
        else resolve()
      }
      const dispatch = (): void => {
        if (this.setup.stopped?.()) Atomics.store(this.flags, CONTROL.stop, 1)
        while (!stopped() && queue.length > 0 && idle.length > 0) {
          const w = idle.pop()!
          busy.add(w)
          const m: ToWorker = { dirs: queue.shift()!, rootDev }
          w.postMessage(m)
        }
        Atomics.store(this.flags, CONTROL.hungry, stopped() ? 0 : Math.max(0, idle.length - queue.length))
        settle()
      }
      const fail = (w: Worker, e: Error): void => {
        failure ??= e
        Atomics.store(this.flags, CONTROL.stop, 1)
        busy.delete(w)
        dispatch()
      }
      this.interrupt = dispatch
      for (const w of workers) {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'dirs') {
            queue.push(m.dirs)
          } else if (m.type === 'part') {
            walk.merge(partialBack(m.part))
            return
          } else if (m.type === 'done') {
            walk.merge(partialBack(m.part))
            busy.delete(w)
            idle.push(w)
          } else if (m.type === 'strict') {
            return fail(w, new StrictError(errorBack(m.error)))
          } else {
            const e = new Error(`dirsize: a walker thread failed: ${m.message}`)
            if (m.stack) e.stack = m.stack
            return fail(w, e)
          }
          dispatch()
        })
        w.on('error', (e) => fail(w, e))
        w.on('exit', (code) => fail(w, new Error(`dirsize: a walker thread exited (code ${code})`)))
      }
      dispatch()
    })
  }

  /**
   * Ends every worker: the process then exits by itself, after a stop or an error too. It
   * does not wait for them to end (~6 ms on the Linux tree's scan, for nothing: they are
   * idle after a scan, and after a stop a worker in a sync call ends when the call returns).
   */
  private close(): void {
    const workers = this.workers
    this.workers = undefined
    if (!workers) return
    for (const w of workers) w.terminate().catch(() => undefined)
  }
}
