/** Which backend answers: the native addon when it loads, else the TypeScript walker. */
import { binding } from './native'
import type { Backend } from './types'

let chosen: Backend | undefined
let warned = false

/** `DIRSIZE_NATIVE=0` chooses the TypeScript walker on purpose (no warning). */
export function currentBackend(): Backend {
  if (chosen) return chosen
  if (process.env.DIRSIZE_NATIVE === '0') return (chosen = 'typescript')
  if (binding()) return (chosen = 'native')
  if (!warned) {
    warned = true
    process.stderr.write(`dirsize: no prebuilt binary for ${process.platform}-${process.arch}; using the slower TypeScript walker\n`)
  }
  return (chosen = 'typescript')
}
