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
 * Workers outlive their scan: a scan that ends whole hands them back (up to one per core, at
 * most KEEP_MAX), idle and unref'd (they hold no process open), and the next scan takes
 * them, with their compiled code (a new worker costs ~20-45 ms to start here, and walks its
 * first thousands of entries in V8's interpreter). Idle for IDLE_MS, they end. A scan that
 * stops short (abort, an error) ends its workers instead, since one may still be in a sync
 * call.
 *
 * Internal settings, read once (the benchmark and the tests set them):
 * DIRSIZE_TS_SERIAL: entries walked on the calling thread before workers take over (SERIAL_ENTRIES);
 * DIRSIZE_TS_WORKERS: the worker count when `threads` is not given;
 * DIRSIZE_TS_CHUNK: directories per chunk message (CHUNK_DIRS);
 * DIRSIZE_TS_PER_FILE=1: a worker sends its partial after every entry (the benchmark's
 * "one message per file" row, to show what messages cost);
 * DIRSIZE_TS_PARALLEL=0: no workers, the async serial walk (the benchmark's serial row);
 * DIRSIZE_TS_IDLE_MS: how long an idle worker is kept (IDLE_MS).
 */
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

import type { Normalized } from '../options'
import { entryCount, TOTAL_KEYS, zeroTotals } from '../result'
import type { Totals } from '../types'

import { type DirWork, RootWalk, rootOf, sharedRoots, StrictError, toWire, type WalkRoot, type WalkSetup } from './core'
import { runNodeAsync, runNodeSync, timesUnread } from './drivers'
import { CONTROL, dirOut, errorBack, type FromWorker, partialBack, type ToWorker, type WireDir } from './wire'

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

/**
 * How long a worker is kept idle after a scan for the next one. Long enough for scans in a
 * row (a watcher, a build step, the drop-ins called per folder); short enough that a process
 * that scanned once does not keep what a worker holds for long: ~30 MiB after many scans
 * (measured: RSS fell from 133 to 71 MiB when two ended).
 */
const IDLE_MS = 5000

/**
 * Idle workers kept at most, whatever the core count: 8 x ~30 MiB. On a machine with more
 * cores a later scan starts the rest, in parallel (~20-45 ms, as a first scan does).
 */
const KEEP_MAX = 8

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
  idleMs: envInt('DIRSIZE_TS_IDLE_MS', IDLE_MS, 0),
}

/** The workers between scans: idle, unref'd, ended together when the last scan is IDLE_MS old. */
const pool = {
  idle: [] as Worker[],
  started: 0,
  handedOver: 0,
  timer: undefined as NodeJS.Timeout | undefined,
  nextId: 0,
  /** Workers that exited: never kept, and a scan holding one fails rather than wait on it. */
  exited: new WeakSet<Worker>(),

  /** `count` workers for a scan: idle ones first, then new ones. */
  take(count: number): Worker[] {
    const workers = this.idle.splice(0, count)
    for (const w of workers) w.ref()
    const file = path.join(__dirname, `worker${path.extname(__filename)}`)
    while (workers.length < count) {
      const w = new Worker(file, { workerData: this.nextId++ })
      // An idle worker that fails (it should not) leaves the pool; a scan's own listeners
      // answer for one that fails while it walks.
      w.on('error', () => undefined).on('exit', () => {
        this.exited.add(w)
        this.drop(w)
      })
      workers.push(w)
      this.started++
    }
    if (this.idle.length === 0) this.disarm()
    return workers
  },

  /**
   * Workers of a scan that ended whole, listening for nothing, kept for the next: as many as
   * the default scan takes (one per core), at most KEEP_MAX, so a scan with `threads: 64`
   * leaves no 64 isolates idle; the others end.
   */
  keep(all: Worker[]): void {
    // One may have exited while its scan held it between two roots, listening for nothing.
    const workers = all.filter((w) => !this.exited.has(w))
    const room = Math.max(0, Math.min(settings.defaultWorkers, KEEP_MAX) - this.idle.length)
    for (const w of workers.slice(room)) void w.terminate().catch(() => undefined)
    for (const w of workers.slice(0, room)) w.unref()
    this.idle.push(...workers.slice(0, room))
    this.disarm()
    this.timer = setTimeout(() => {
      this.timer = undefined
      for (const w of this.idle.splice(0)) void w.terminate().catch(() => undefined)
    }, settings.idleMs)
    this.timer.unref()
  },

  drop(w: Worker): void {
    const at = this.idle.indexOf(w)
    if (at >= 0) this.idle.splice(at, 1)
  },

  disarm(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  },
}

/**
 * What the workers did so far in this process: threads started, roots handed to them, and
 * how many are idle now, kept for the next scan (the tests check that a small tree uses none,
 * that a later scan starts none).
 */
export function workerStats(): { started: number; handedOver: number; idle: number } {
  return { started: pool.started, handedOver: pool.handedOver, idle: pool.idle.length }
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
    let whole = false
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
      whole = true
    } finally {
      this.close(whole)
    }
  }

  private start(): Worker[] {
    if (this.workers) return this.workers
    // The callbacks and the signal cannot cross (nor do the workers need them), nor the roots.
    const n: Normalized = { ...this.n, signal: undefined, onProgress: undefined, onRoot: undefined, roots: [] }
    const scan: ToWorker = { type: 'scan', scan: { n, control: this.control, live: this.liveShared, ...this.scanWide, perEntry: settings.perEntry, chunkDirs: settings.chunkDirs } }
    this.workers = pool.take(workerCount(this.n))
    for (const w of this.workers) w.postMessage(scan)
    return this.workers
  }

  /** Workers walk what is left of a root; resolves when all are idle with nothing queued. */
  private onWorkers(walk: RootWalk, stack: DirWork[]): Promise<void> {
    const workers = this.start()
    // A worker that exited while this scan held it between two roots (its 'exit' came while
    // no root listened) would never answer its chunk: the scan fails, as if it had exited
    // while walking.
    if (workers.some((w) => pool.exited.has(w))) return Promise.reject(new Error('dirsize: a walker thread exited'))
    pool.handedOver++
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
        for (const [w, on] of listeners) w.off('message', on.message).off('error', on.error).off('exit', on.exit)
        this.interrupt = undefined
        if (failure) reject(failure)
        else resolve()
      }
      const dispatch = (): void => {
        if (this.setup.stopped?.()) Atomics.store(this.flags, CONTROL.stop, 1)
        while (!stopped() && queue.length > 0 && idle.length > 0) {
          const w = idle.pop()!
          busy.add(w)
          const m: ToWorker = { type: 'dirs', dirs: queue.shift()!, rootDev }
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
      const listeners = new Map<Worker, { message: (m: FromWorker) => void; error: (e: Error) => void; exit: (code: number) => void }>()
      for (const w of workers) {
        const on = {
          message: (m: FromWorker): void => {
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
          },
          error: (e: Error): void => fail(w, e),
          exit: (code: number): void => fail(w, new Error(`dirsize: a walker thread exited (code ${code})`)),
        }
        listeners.set(w, on)
        w.on('message', on.message).on('error', on.error).on('exit', on.exit)
      }
      dispatch()
    })
  }

  /**
   * After a whole scan the workers go back to the pool, idle. After a stop or an error they
   * end, not awaited: the process then exits by itself (a worker in a sync call ends when the
   * call returns).
   */
  private close(whole: boolean): void {
    const workers = this.workers
    this.workers = undefined
    if (!workers) return
    if (whole) pool.keep(workers)
    else for (const w of workers) w.terminate().catch(() => undefined)
  }
}
