/**
 * The live status line on stderr: shown only once a scan has run ~300 ms, redrawn in place,
 * cleared before any other line and at the end. One line, so a carriage return and "erase
 * line" redraw it; the cursor is left as it was (visible).
 */
import { entryCount } from '../result'
import type { Progress } from '../types'

import { human } from './format'

export interface StatusLine {
  update(p: Progress): void
  clear(): void
}

const DELAY_MS = 300
// Back to column 0 and erase the whole line.
const ERASE = '\r\x1b[2K'

export function statusLine(stream: NodeJS.WriteStream, write: (s: string) => void): StatusLine {
  let shown = false
  return {
    update(p: Progress) {
      if (p.elapsedMs < DELAY_MS) return
      const entries = entryCount(p)
      const rate = entries / Math.max(p.elapsedMs / 1000, 0.001)
      const errors = p.errors ? `, ${p.errors.toLocaleString('en-US')} errors` : ''
      let text = `dirsize: ${entries.toLocaleString('en-US')} entries, ${human(p.diskBytes)}, ` +
        `${human(Math.round(rate), true)} entries/s, ${(p.elapsedMs / 1000).toFixed(1)} s${errors}`
      // A line as wide as the terminal would wrap, and the erase would only reach its last
      // row: keep it one column short (the text is ASCII: one character, one column).
      if (stream.columns && text.length >= stream.columns) text = text.slice(0, Math.max(stream.columns - 1, 0))
      write(ERASE + text)
      shown = true
    },
    clear() {
      if (!shown) return
      shown = false
      write(ERASE)
    },
  }
}
