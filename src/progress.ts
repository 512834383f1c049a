/**
 * When a progress callback may run. Both backends ask the pacer before each call, so a slow
 * callback costs the scan the same bounded share of the JavaScript thread in either.
 */
import type { Progress } from './types'

/**
 * After a call that took d ms, the next one waits at least this many times d: the callback
 * then holds the thread at most 1 / (1 + 9) = 10% of the time. The TypeScript walker runs on
 * that thread, and the native one shares the machine's cores with it, so an unbounded share
 * would slow either walk. A callback of 50 ms is then called about twice a second, one of
 * 1 ms (or less) as often as the interval allows.
 */
const GAP_PER_CALLBACK_MS = 9

export class ProgressPacer {
  /** performance.now() before which a call is dropped. */
  private next = 0

  /**
   * `minGapMs`: the least time from the end of one call to the next. The native backend's
   * ticker already keeps the interval (0 here); the TypeScript backend's timer waits on this.
   */
  constructor(
    private readonly callback: (p: Progress) => void,
    private readonly minGapMs = 0,
  ) {}

  /** Milliseconds until a call is due (0: now). */
  wait(now = performance.now()): number {
    return Math.max(0, this.next - now)
  }

  /** Calls back if a call is due, else drops this one; throws what the callback throws. */
  offer(progress: () => Progress): void {
    const start = performance.now()
    if (start < this.next) return
    try {
      this.callback(progress())
    } finally {
      const end = performance.now()
      this.next = end + Math.max(this.minGapMs, (end - start) * GAP_PER_CALLBACK_MS)
    }
  }
}
