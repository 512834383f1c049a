/** The native backend: calls the Rust scan and turns its plain outcome into a Result. */
import { abortError, scanError, systemError } from './errors'
import type { Normalized } from './options'
import { ProgressPacer } from './progress'
import { assemble, finalProgress, numberer, type Numberer, throwIfSingleRootFailed, totalsOf } from './result'
import type { LargeFile, Num, Progress, Result, RootResult, ScanError, TreeEntry } from './types'

// The napi-generated loader; its types are generated from the Rust signatures.
type Binding = typeof import('../binding')
type NativeOutcome = import('../binding').NativeOutcome
type NativeOptions = import('../binding').NativeOptions
type NativeError = import('../binding').NativeError
type NativeRoot = import('../binding').NativeRoot

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

function nativeOptions(n: Normalized): NativeOptions {
  return {
    threads: n.threads,
    countLinks: n.countLinks,
    followSymlinks: n.followSymlinks,
    oneFileSystem: n.oneFileSystem,
    exclude: n.exclude,
    ignoreSource: n.ignore?.source,
    ignoreFlags: n.ignore?.flags,
    depth: n.depth,
    top: n.top,
    strict: n.strict,
    progressIntervalMs: n.progressIntervalMs,
  }
}

/**
 * An option Rust refuses (a RegExp its engine cannot express) comes back as InvalidArg, and
 * so does a thread count the system will not start: a RangeError, the value being well-formed.
 */
function optionError(e: unknown): unknown {
  const err = e as Error & { code?: string }
  if (err && err.code === 'InvalidArg') {
    const option = /^(\w+):/.exec(err.message)?.[1] ?? 'options'
    const message = `dirsize: ${err.message.startsWith(option) ? err.message : `${option}: ${err.message}`}`
    const out = (option === 'threads' ? new RangeError(message) : new TypeError(message)) as Error & { code: string }
    out.code = option === 'threads' ? 'ERR_OUT_OF_RANGE' : 'ERR_INVALID_ARG_VALUE'
    return out
  }
  return e
}

export function scanNativeSync(b: Binding, n: Normalized): Result<Num> {
  const started = performance.now()
  let out: NativeOutcome
  try {
    out = b.scanSync(n.roots, nativeOptions(n))
  } catch (e) {
    throw optionError(e)
  }
  return finish(out, n, started)
}

export function scanNative(b: Binding, n: Normalized): Promise<Result<Num>> {
  const started = performance.now()
  const { signal, onProgress } = n
  if (signal?.aborted) return Promise.reject(abortError(signal))
  return new Promise((resolve, reject) => {
    const token = new b.CancelToken()
    let settled = false
    const settle = (f: () => void): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      f()
    }
    const onAbort = (): void => {
      token.cancel()
      settle(() => reject(abortError(signal!)))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    // Set when the outcome is in: a tick still queued then is stale (the final call follows).
    let finished = false
    const pacer = onProgress ? new ProgressPacer(onProgress) : undefined
    const progress = pacer
      ? (p: Omit<Progress, 'elapsedMs'>): void => {
          if (settled || finished) return
          try {
            pacer.offer(() => ({ ...p, elapsedMs: performance.now() - started }))
          } catch (e) {
            token.cancel()
            settle(() => reject(e))
          }
        }
      : undefined
    const num = numberer(n)
    let received = 0
    let allReceived: (() => void) | undefined
    const onRoot = n.onRoot
      ? (r: NativeRoot): void => {
          received++
          if (!settled) {
            try {
              n.onRoot!(toRoot(r, num))
            } catch (e) {
              token.cancel()
              settle(() => reject(e))
            }
          }
          if (allReceived) allReceived()
        }
      : undefined
    // The roots' calls and the completion travel separately to this thread: wait for the
    // last root before resolving, so every root is seen before the result.
    const rootsDelivered = (out: NativeOutcome): Promise<void> =>
      received >= out.delivered
        ? Promise.resolve()
        : new Promise((done) => {
            allReceived = () => {
              if (received >= out.delivered) done()
            }
          })
    let pending: Promise<NativeOutcome>
    try {
      pending = b.scan(n.roots, nativeOptions(n), progress, onRoot, token)
    } catch (e) {
      settle(() => reject(optionError(e)))
      return
    }
    pending.then(async (out) => {
        finished = true
        await rootsDelivered(out)
        if (settled) return
        let result: Result<Num>
        try {
          result = finish(out, n, started)
        } catch (e) {
          settle(() => reject(e))
          return
        }
        if (onProgress) {
          try {
            onProgress(finalProgress(result))
          } catch (e) {
            settle(() => reject(e))
            return
          }
        }
        settle(() => resolve(result))
      }, (e: unknown) => settle(() => reject(optionError(e))))
  })
}

function finish(out: NativeOutcome, n: Normalized, started: number): Result<Num> {
  if (out.aborted) throw abortError(n.signal ?? AbortSignal.abort())
  if (out.strictError) throw systemError(toScanError(out.strictError))
  const num = numberer(n)
  const roots = out.roots!.map((r) => toRoot(r, num))
  throwIfSingleRootFailed(n, roots)
  return assemble(n, roots, totalsOf(out.totals!, num), Number(out.errorCount), started, 'native')
}

function toRoot(r: NativeRoot, num: Numberer): RootResult<Num> {
  const root: RootResult<Num> = {
    path: r.path,
    ...totalsOf(r.totals, num),
    errors: r.errors.map(toScanError),
    errorCount: Number(r.errorCount),
  }
  if (r.raw) root.pathBuffer = r.raw
  if (r.rootError) root.rootError = toScanError(r.rootError)
  if (r.tree) {
    root.tree = r.tree.map((e) => withRaw<TreeEntry<Num>>(
      { path: e.path, bytes: num(e.bytes), diskBytes: num(e.diskBytes), files: num(e.files), depth: e.depth },
      e.raw,
    ))
  }
  if (r.largest) {
    root.largest = r.largest.map((f) => withRaw<LargeFile<Num>>(
      { path: f.path, bytes: num(f.bytes), diskBytes: num(f.diskBytes) },
      f.raw,
    ))
  }
  return root
}

function toScanError(e: NativeError): ScanError {
  return scanError(e.path, e.errno, e.message, e.syscall, e.raw ?? undefined)
}

function withRaw<T extends { pathBuffer?: Buffer }>(v: T, raw: Buffer | undefined | null): T {
  if (raw) v.pathBuffer = raw
  return v
}
