/**
 * Where the command writes. A write error on stdout ends the run as it ends du: a reader
 * that went away (EPIPE, `dirsize | head`) quietly, anything else (ENOSPC, EIO...) with one
 * line on stderr.
 */
import type { Writable } from 'node:stream'
import { getSystemErrorMap } from 'node:util'

export class Output {
  /** The first error writing stdout. */
  failure?: NodeJS.ErrnoException
  /** Called once, on the first write error: the scan has no one to report to any more. */
  onFailure?: () => void
  /** Called before each write: the status line is cleared first, so no line lands on it. */
  beforeWrite?: () => void
  private stderrBroken = false

  constructor(readonly stdout: Writable, readonly stderr: Writable) {
    // Node reports a failed write as an 'error' event on a later tick; without a listener
    // it is an uncaught exception and a stack trace.
    stdout.on('error', (e: NodeJS.ErrnoException) => this.fail(e))
    // A failing stderr has nowhere left to report to: stop writing to it, and go on.
    stderr.on('error', () => {
      this.stderrBroken = true
    })
  }

  out(chunk: string | Buffer): void {
    if (this.failure || this.stdout.destroyed) return
    this.beforeWrite?.()
    try {
      this.stdout.write(chunk)
    } catch (e) {
      this.fail(e as NodeJS.ErrnoException)
    }
  }

  err(text: string): void {
    if (this.stderrBroken || this.stderr.destroyed) return
    this.beforeWrite?.()
    try {
      this.stderr.write(text)
    } catch {
      this.stderrBroken = true
    }
  }

  /** A write to stderr that does not clear the status line first: the status line's own. */
  status(text: string): void {
    if (this.stderrBroken || this.stderr.destroyed) return
    try {
      this.stderr.write(text)
    } catch {
      this.stderrBroken = true
    }
  }

  /** Waits until what was written to stdout is out, or has failed. */
  async flush(): Promise<void> {
    if (!this.failure && !this.stdout.destroyed && this.stdout.writableLength > 0) {
      await new Promise<void>((resolve) => this.stdout.write('', () => resolve()))
    }
    // The 'error' of the last write comes on a later tick: let it land before the exit code.
    await new Promise((resolve) => setImmediate(resolve))
  }

  /**
   * The exit code a write error calls for, after saying why: 141 for a closed pipe (what a
   * shell reports for du, which SIGPIPE kills; Node ignores SIGPIPE, so it is an exit code
   * here), 1 for any other error. undefined when every write went through.
   */
  exitCode(): number | undefined {
    const e = this.failure
    if (!e) return undefined
    if (e.code === 'EPIPE') return 141
    this.err(`dirsize: write error: ${reason(e)}\n`)
    return 1
  }

  private fail(e: NodeJS.ErrnoException): void {
    if (this.failure) return
    this.failure = e
    this.onFailure?.()
  }
}

// strerror's words, as du prints them, where libuv's differ by more than the capital.
const STRERROR: Record<string, string> = {
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  EDQUOT: 'Disk quota exceeded',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
}

/** An I/O error as the C library words it: 'No space left on device'. */
export function reason(e: NodeJS.ErrnoException): string {
  const code = e.code ?? ''
  if (STRERROR[code]) return STRERROR[code]
  const text = typeof e.errno === 'number' ? getSystemErrorMap().get(e.errno)?.[1] : undefined
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : e.message
}
