import type { ExecutionContext } from 'ava'

/**
 * Runs `scan` beside a 10 ms interval: the scan must last over `longEnoughMs` (or the check
 * says nothing) and at least half the ticks due must have fired, so the event loop stayed free.
 */
export async function timerKeepsFiring(t: ExecutionContext, scan: () => Promise<unknown>, longEnoughMs: number): Promise<void> {
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  const started = performance.now()
  await scan()
  const elapsed = performance.now() - started
  clearInterval(timer)
  t.log(`${ticks} ticks in ${elapsed.toFixed(0)} ms`)
  t.true(elapsed > longEnoughMs, 'the scan was long enough to tell')
  t.true(ticks >= (elapsed / 10) * 0.5, `${ticks} ticks in ${elapsed} ms`)
}
