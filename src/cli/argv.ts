/**
 * The exact bytes of the command line's arguments. Node decodes argv as UTF-8 and puts
 * U+FFFD where the bytes are not, so a root named in Latin-1 (say) cannot be reached by its
 * string. On Linux the kernel keeps the bytes in /proc/self/cmdline.
 */
import fs from 'node:fs'

/**
 * argv with each argument that was not valid UTF-8 as a Buffer of its bytes. Unchanged
 * where the bytes cannot be had (not Linux) or do not line up with argv (a changed
 * process.title rewrites cmdline).
 */
export function exactArgv(argv: string[]): Array<string | Buffer> {
  if (process.platform !== 'linux') return argv
  let cmdline: Buffer
  try {
    cmdline = fs.readFileSync('/proc/self/cmdline')
  } catch {
    return argv
  }
  const all: Buffer[] = []
  for (let start = 0; start < cmdline.length;) {
    const end = cmdline.indexOf(0, start)
    all.push(cmdline.subarray(start, end < 0 ? cmdline.length : end))
    start = end < 0 ? cmdline.length : end + 1
  }
  // Node's own flags come before the script; the command's arguments are the last ones.
  const mine = all.slice(all.length - argv.length)
  if (mine.length !== argv.length || mine.some((b, i) => b.toString('utf8') !== argv[i])) return argv
  return argv.map((a, i) => (Buffer.from(a).equals(mine[i]!) ? a : Buffer.from(mine[i]!)))
}
