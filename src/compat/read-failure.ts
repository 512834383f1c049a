/** How the fast-folder-size drop-ins fail when something could not be read. */
import { systemError } from '../errors'
import type { Result } from '../types'

/** du exits non-zero when something could not be read, and fast-folder-size passes that on. */
export function readFailure(r: Result<number>): Error | undefined {
  if (r.errorCount === 0) return undefined
  const first = r.errors[0]
  const err = first ? systemError(first) : new Error(`dirsize: ${r.errorCount} entries could not be read`)
  return Object.assign(err, { errors: r.errors })
}
