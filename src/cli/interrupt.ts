/**
 * Ctrl-C during a scan. It aborts the scan rather than killing the process, so the run
 * still prints what it knows (the partial size of the root under way) and exits 130.
 */
export class Interrupt {
  private readonly controller = new AbortController()
  /** Set by Ctrl-C only; a stop for another reason (stdout gone) is not an interruption. */
  interrupted = false
  private readonly onSigint = (): void => {
    this.interrupted = true
    this.controller.abort()
  }

  constructor() {
    process.once('SIGINT', this.onSigint)
  }

  /** What the scan is given: aborted on Ctrl-C or by stop(). */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Stops the scan for a reason other than Ctrl-C. */
  stop(): void {
    this.controller.abort()
  }

  /** After the scan: Ctrl-C is the default (kill) again. */
  dispose(): void {
    process.removeListener('SIGINT', this.onSigint)
  }
}
