/**
 * A drop-in for fast-folder-size 2.x: `(path, [{ signal }], cb(err, bytes))`, bytes as it
 * gives them on Linux (`du -sb`: apparent size), on every platform. No child process, no du.
 */
import { dirsize } from '../api'

import { readFailure } from './read-failure'

type Callback = (err: Error | null, bytes?: number) => void

function fastFolderSize(target: string, options: { signal?: AbortSignal }, cb: Callback): undefined
function fastFolderSize(target: string, cb: Callback): undefined
function fastFolderSize(target: string, options: { signal?: AbortSignal } | Callback, cb?: Callback): undefined {
  if (typeof options === 'function') {
    cb = options
    options = {}
  }
  const done = cb!
  dirsize(target, { signal: options.signal }).then(
    (r) => {
      const failure = readFailure(r)
      if (failure) done(failure)
      else done(null, r.bytes)
    },
    (e: Error) => done(e),
  )
  return undefined
}

export = fastFolderSize
