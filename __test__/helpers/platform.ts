/** What the machine running the suite can do, so a test that needs it is skipped elsewhere. */
import test from 'ava'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

function runs(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  return r.status === 0 ? r.stdout : null
}

export const caps = {
  /** GNU du, the reference the totals are checked against (macOS: coreutils' gnubin). */
  gnuDu: /GNU coreutils/.test(runs('du', ['--version']) ?? ''),
  /** Root with setpriv: tests that drop to an unprivileged user (root reads everything). */
  asNobody: process.platform === 'linux' && process.getuid?.() === 0 && runs('setpriv', ['--version']) !== null,
  /** Linux (ext4, tmpfs...) stores any bytes as a name; APFS and NTFS want Unicode. */
  nonUtf8Names: process.platform === 'linux',
  /** Fifos and Unix sockets in the file system. */
  specialFiles: process.platform !== 'win32',
  /** /proc and /sys (thread and descriptor counts, special file systems). */
  procfs: process.platform === 'linux',
  /** ncdu (Debian 12's 1.18), to make the exports `-f` reads. */
  ncdu: runs('ncdu', ['-v']) !== null,
  /** gdu (Debian 12's 5.22), to make the exports `-f` reads. */
  gdu: runs('gdu', ['--version']) !== null,
  /** Bind mounts and tmpfs (root on Linux, with the right to mount): tried once, when asked. */
  get mounts(): boolean {
    mountable ??= canMount()
    return mountable
  },
}

let mountable: boolean | undefined

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsize-mount-'))
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', dir]).status !== 0) return false
    spawnSync('umount', [dir])
    return true
  } finally {
    fs.rmdirSync(dir)
  }
}

/** `test` where `cond` holds, `test.skip` elsewhere (reported, not silently dropped). */
export function testIf(cond: boolean): typeof test {
  return cond ? test : (test.skip as unknown as typeof test)
}

/** `test.serial` where `cond` holds, `test.skip` elsewhere. */
export function serialIf(cond: boolean): typeof test.serial {
  return cond ? test.serial : (test.skip as unknown as typeof test.serial)
}
