/** Builds awkward trees for the tests, and asks GNU du what they weigh. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { caps } from './platform'

/** A fresh directory under the system temp dir, readable by every user (for setpriv tests). */
export function tempDir(prefix = 'dirsize-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.chmodSync(dir, 0o755)
  return dir
}

export function rm(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
}

/** du's first column for each path (du prints one line per argument with -s). */
export function du(flags: string[], paths: string[], asUser?: string[]): number[] {
  const cmd = asUser ? [...asUser, 'du'] : ['du']
  let out: string
  try {
    out = execFileSync(cmd[0]!, [...cmd.slice(1), ...flags, '--', ...paths], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch (e) {
    // du exits 1 when something could not be read, and still prints its totals.
    out = (e as { stdout: string }).stdout
  }
  return out.trim().split('\n').map((l) => Number(l.split('\t')[0]))
}

export function duBytes(p: string, extra: string[] = []): number {
  return du(['-sb', ...extra], [p])[0]!
}

export function duDisk(p: string, extra: string[] = []): number {
  return du(['-s', '-B1', ...extra], [p])[0]!
}

/** Hard links, every kind of symlink, a sparse file, a fifo, a socket, odd names, empty dirs. */
export function awkwardTree(root: string): void {
  fs.mkdirSync(path.join(root, 'a/b/c'), { recursive: true })
  fs.writeFileSync(path.join(root, 'a/file'), Buffer.alloc(5000, 7))
  fs.writeFileSync(path.join(root, 'a/b/c/deep'), 'x')
  fs.linkSync(path.join(root, 'a/file'), path.join(root, 'a/b/hard'))
  fs.symlinkSync('file', path.join(root, 'a/link-to-file'))
  fs.symlinkSync('b', path.join(root, 'a/link-to-dir'))
  fs.symlinkSync('nowhere', path.join(root, 'a/dangling'))
  fs.symlinkSync('..', path.join(root, 'a/b/loop'))
  fs.symlinkSync('self', path.join(root, 'self'))
  const fd = fs.openSync(path.join(root, 'sparse'), 'w')
  fs.ftruncateSync(fd, 10 << 20)
  fs.writeSync(fd, 'data at the start')
  fs.closeSync(fd)
  if (caps.nonUtf8Names) fs.writeFileSync(Buffer.concat([Buffer.from(root + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-name')]), 'abc')
  fs.writeFileSync(path.join(root, 'new\nline'), 'nl')
  fs.writeFileSync(path.join(root, 'tab\tand \x1b[31mescape'), 'esc')
  fs.mkdirSync(path.join(root, 'empty1'))
  fs.mkdirSync(path.join(root, 'empty2/empty3'), { recursive: true })
  if (caps.specialFiles) {
    execFileSync('mkfifo', [path.join(root, 'fifo')])
    execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path.join(root, 'sock')])
  }
}

/** A chain of `levels` directories named `d`, each with a 5-byte file: deeper than PATH_MAX. */
export function deepChain(root: string, levels: number): void {
  // Relative to an open directory fd (mkdirat/openat), so it goes on past PATH_MAX where a
  // full path could not; bash's cd does too, but re-resolves its $PWD and takes minutes.
  const py = [
    'import os, sys',
    'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)',
    'for _ in range(int(sys.argv[2])):',
    '    os.mkdir("d", dir_fd=fd)',
    '    f = os.open("f", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd); os.write(f, b"hello"); os.close(f)',
    '    nfd = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd); os.close(fd); fd = nfd',
  ].join('\n')
  execFileSync('python3', ['-c', py, root, String(levels)])
}

export function manyFiles(root: string, n: number): void {
  fs.mkdirSync(root, { recursive: true })
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(root, `f${i}`), Buffer.alloc(i % 500))
}

export const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']

export const repoRoot = path.resolve(__dirname, '..', '..')
