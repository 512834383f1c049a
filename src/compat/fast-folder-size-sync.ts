/** A drop-in for `fast-folder-size/sync`: the apparent size in bytes, or a throw. */
import { dirsizeSync } from '../api'

import { readFailure } from './read-failure'

function fastFolderSizeSync(target: string): number | undefined {
  const r = dirsizeSync(target)
  const failure = readFailure(r)
  if (failure) throw failure
  return r.bytes
}

export = fastFolderSizeSync
