/** The live status line on stderr: shown only once a scan has run ~300 ms, cleared at the end. */
import { entryCount } from '../result'
import type { Progress } from '../types'

import { human } from './format'

type Updater = ((text: string) => void) & { clear(): void; done(): void }

export interface StatusLine {
  update(p: Progress): void
  clear(): void
}

const DELAY_MS = 300

export async function statusLine(stream: NodeJS.WriteStream): Promise<StatusLine> {
  // log-update is ESM-only and needed only on a terminal: load it only then.
  const { createLogUpdate } = await import('log-update')
  const log: Updater = createLogUpdate(stream, { showCursor: true })
  let shown = false
  return {
    update(p: Progress) {
      if (p.elapsedMs < DELAY_MS) return
      shown = true
      const entries = entryCount(p)
      const rate = entries / Math.max(p.elapsedMs / 1000, 0.001)
      const errors = p.errors ? `, ${p.errors.toLocaleString('en-US')} errors` : ''
      log(`dirsize: ${entries.toLocaleString('en-US')} entries, ${human(p.diskBytes)}, ` +
        `${human(Math.round(rate), true)} entries/s, ${(p.elapsedMs / 1000).toFixed(1)} s${errors}`)
    },
    clear() {
      if (shown) log.clear()
      log.done()
    },
  }
}
