/** The native backend: calls the Rust scan and turns its plain outcome into a Result. */
import { abortError, scanError, systemError } from './errors'
import { groupsOf } from './groups'
import type { Normalized } from './options'
import { ProgressPacer } from './progress'
import { assemble, finalProgress, numberer, type Numberer, pathFields, progressOf, throwIfSingleRootFailed, totalsOf } from './result'
import type { LargeFile, Num, Result, RootResult, ScanError, TreeEntry } from './types'

// The napi-generated loader; its types are generated from the Rust declarations (the
// Rust types are the one declaration of each; these are their JavaScript shapes).
type Binding = typeof import('../binding')
type ScanOutcome = import('../binding').ScanOutcome
type NativeRoot = import('../binding').RootResult
type NativeError = import('../binding').ScanError
type NativeProgress = import('../binding').Progress
type NativeOptionError = import('../binding').OptionError

let loaded: Binding | null | undefined

/** The addon, or null when no binary fits this platform. */
export function binding(): Binding | null {
  if (loaded === undefined) {
    try {
      // From dist/src/native.js to the package root, where napi's loader sits beside the
      // .node file it looks for.
      loaded = require('../../binding.js') as Binding
    } catch {
      loaded = null
    }
  }
  return loaded
}

export function scanNativeSync(b: Binding, n: Normalized): Result<Num> {
  const started = performance.now()
  // `n` goes as it is: it is Rust's ScanOptions (napi reads the fields it declares, the
  // RegExp's source and flags included).
  return resultOf(b.scanSync(n.roots, n), n, started)
}

/** How a scan starts: `b.scan`, or a scan that also does more (an export). */
export type NativeStart = (
  onProgress: ((p: NativeProgress) => void) | undefined,
  onRoot: ((r: NativeRoot) => void) | undefined,
  token: InstanceType<Binding['CancelToken']>,
) => Promise<ScanOutcome>

export function scanNative(b: Binding, n: Normalized, start?: NativeStart): Promise<Result<Num>> {
  const started = performance.now()
  const { signal } = n
  if (signal?.aborted) return Promise.reject(abortError(signal))
  return new Promise((resolve, reject) => {
    const token = new b.CancelToken()
    const run = new NativeRun(n, token, started, resolve, reject)
    signal?.addEventListener('abort', run.onAbort, { once: true })
    let pending: Promise<ScanOutcome>
    try {
      pending = start ? start(run.onProgress, run.onRoot, token) : b.scan(n.roots, n, run.onProgress, run.onRoot, token)
    } catch (e) {
      run.settle(() => reject(e))
      return
    }
    pending.then((out) => run.complete(out), (e: unknown) => run.settle(() => reject(e)))
  })
}

/**
 * One async native scan's JavaScript side: settles the promise once (abort, a callback
 * that throws, or the outcome), paces progress, and delivers roots before the result.
 */
class NativeRun {
  private settled = false
  /** Set when the outcome is in: a tick still queued then is stale (the final call follows). */
  private finished = false
  private readonly roots: RootBarrier
  private readonly num: Numberer
  readonly onProgress: ((p: NativeProgress) => void) | undefined
  readonly onRoot: ((r: NativeRoot) => void) | undefined

  constructor(
    private readonly n: Normalized,
    private readonly token: { cancel(): void },
    private readonly started: number,
    private readonly resolve: (r: Result<Num>) => void,
    private readonly reject: (e: unknown) => void,
  ) {
    this.num = numberer(n)
    this.roots = new RootBarrier()
    const pacer = n.onProgress ? new ProgressPacer(n.onProgress) : undefined
    this.onProgress = pacer ? (p) => this.tick(pacer, p) : undefined
    this.onRoot = n.onRoot ? (r) => this.root(n.onRoot!, r) : undefined
  }

  readonly onAbort = (): void => {
    this.token.cancel()
    this.settle(() => this.reject(abortError(this.n.signal!)))
  }

  settle(f: () => void): void {
    if (this.settled) return
    this.settled = true
    this.n.signal?.removeEventListener('abort', this.onAbort)
    f()
  }

  /** A callback threw: the scan stops and the promise rejects with what it threw. */
  private fail(e: unknown): void {
    this.token.cancel()
    this.settle(() => this.reject(e))
  }

  private tick(pacer: ProgressPacer, p: NativeProgress): void {
    if (this.settled || this.finished) return
    try {
      // Plain numbers, exact below 2^53; the exact ones come with the result.
      pacer.offer(() => progressOf(p.totals, Number(p.errors), performance.now() - this.started))
    } catch (e) {
      this.fail(e)
    }
  }

  private root(onRoot: (r: RootResult<Num>) => void, r: NativeRoot): void {
    if (!this.settled) {
      try {
        onRoot(toRoot(r, this.num))
      } catch (e) {
        this.fail(e)
      }
    }
    this.roots.received()
  }

  async complete(out: ScanOutcome): Promise<void> {
    this.finished = true
    await this.roots.all(out.delivered)
    if (this.settled) return
    let result: Result<Num>
    try {
      result = resultOf(out, this.n, this.started)
      this.n.onProgress?.(finalProgress(result))
    } catch (e) {
      this.settle(() => this.reject(e))
      return
    }
    this.settle(() => this.resolve(result))
  }
}

/**
 * The roots' calls and the completion travel separately to the JS thread: the outcome can
 * arrive while calls for some of its `delivered` roots are still queued. `all` waits for
 * the last of them, so every root is seen before the result.
 */
class RootBarrier {
  private count = 0
  private waiting: (() => void) | undefined

  received(): void {
    this.count++
    this.waiting?.()
  }

  all(delivered: number): Promise<void> {
    if (this.count >= delivered) return Promise.resolve()
    return new Promise((done) => {
      this.waiting = () => {
        if (this.count >= delivered) done()
      }
    })
  }
}

/**
 * An option Rust refuses: a pattern its engine cannot compile is a TypeError; a thread
 * count the system will not start is a RangeError (the value being well-formed).
 */
function optionError(e: NativeOptionError): Error {
  const range = e.outOfRange
  const err = (range ? new RangeError(`dirsize: ${e.message}`) : new TypeError(`dirsize: ${e.message}`)) as Error & {
    code: string
  }
  err.code = range ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG_VALUE'
  return err
}

function resultOf(out: ScanOutcome, n: Normalized, started: number): Result<Num> {
  if (out.optionError) throw optionError(out.optionError)
  if (out.aborted) throw abortError(n.signal ?? AbortSignal.abort())
  if (out.strictError) throw systemError(toScanError(out.strictError))
  const r = out.result!
  const num = numberer(n)
  const roots = r.roots.map((root) => toRoot(root, num))
  throwIfSingleRootFailed(n, roots)
  const result = assemble(n, roots, totalsOf(r.totals, num), Number(r.errorCount), started, 'native')
  if (r.groups) result.groups = groupsOf(r.groups, num)
  return result
}

export function toRoot(r: NativeRoot, num: Numberer): RootResult<Num> {
  const { path, pathBuffer } = pathFields(r.path)
  const root: RootResult<Num> = { path, ...totalsOf(r.totals, num), errors: r.errors.map(toScanError), errorCount: Number(r.errorCount) }
  if (pathBuffer) root.pathBuffer = pathBuffer
  if (r.rootError) root.rootError = toScanError(r.rootError)
  if (r.tree) {
    root.tree = r.tree.map((e) => withPath<TreeEntry<Num>>(e.path, { bytes: num(e.bytes), diskBytes: num(e.diskBytes), files: num(e.files), depth: e.depth }))
  }
  if (r.largest) {
    root.largest = r.largest.map((f) => withPath<LargeFile<Num>>(f.path, { bytes: num(f.bytes), diskBytes: num(f.diskBytes) }))
  }
  if (r.groups) root.groups = groupsOf(r.groups, num)
  return root
}

export function toScanError(e: NativeError): ScanError {
  const { path, pathBuffer } = pathFields(e.path)
  return scanError(path, e.errno, e.message, e.syscall, pathBuffer)
}

/** An entry with its path first, as the Result lists it, and its exact bytes when lossy. */
function withPath<T extends { path: string; pathBuffer?: Buffer }>(p: string | Buffer, rest: Omit<T, 'path' | 'pathBuffer'>): T {
  const { path, pathBuffer } = pathFields(p)
  const v = { path, ...rest } as T
  if (pathBuffer) v.pathBuffer = pathBuffer
  return v
}
