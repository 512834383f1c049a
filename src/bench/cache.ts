/** Dropping the page cache, for --cold runs (root only). */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

const DROP = '/proc/sys/vm/drop_caches'

/** Why caches cannot be dropped here, or undefined when they can. */
export function cannotDrop(): string | undefined {
  if (process.getuid?.() !== 0) return 'dropping the page cache needs root (echo 3 > /proc/sys/vm/drop_caches)'
  try {
    fs.accessSync(DROP, fs.constants.W_OK)
  } catch {
    return `${DROP} is not writable here (a container without that right?)`
  }
  return undefined
}

export function dropCaches(): void {
  execFileSync('sync')
  fs.writeFileSync(DROP, '3')
}
