/**
 * Loading saved scans (`loadScan`, `dirsize -f`): exports made by ncdu and gdu of awkward
 * trees give what a live scan of the same trees gives; several files share hard links;
 * truncated and corrupt files are refused with the file and the position. Run once per
 * backend (walker-typescript.spec.ts re-runs it with DIRSIZE_NATIVE=0).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

import test from 'ava'

import { backend, dirsize, loadScan, loadScanSync, type LoadError, type Result } from 'dirsize'

import { caps, testIf } from './helpers/platform'
import { awkwardTree, duBytes, duDisk, nobody, repoRoot, rm, tempDir } from './helpers/trees'

const bin = path.join(repoRoot, 'bin', 'dirsize.js')
const dir = tempDir('dirsize-load-')
test.after.always(() => rm(dir))

const tree = path.join(dir, 'tree')
fs.mkdirSync(tree)
awkwardTree(tree)
fs.mkdirSync(path.join(tree, 'sub/inner'), { recursive: true })
fs.writeFileSync(path.join(tree, 'sub/inner/big'), Buffer.alloc(123_456, 1))

/** ncdu's export of `root` (extended: with mode, so symlinks are told from fifos). */
function ncdu(root: string, out: string, extended = true, user: string[] = []): string {
  // To stdout: another user may not write where the test does.
  const cmd = [...user, 'ncdu', '--ignore-config', ...(extended ? ['-e'] : []), '-o', '-', root]
  fs.writeFileSync(out, execFileSync(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOME: dir } }))
  return out
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * What two results must share: everything but the time and the backend's name. A file with
 * two names (awkwardTree's a/file and a/b/hard) is listed in `largest` under whichever name
 * the walk met first, and a walk's order is not an export's: one name stands for both.
 */
function counted(r: Result<bigint>) {
  const { elapsedMs: _e, backend: _b, ...rest } = r
  if (rest.largest) rest.largest = rest.largest.map((f) => ({ ...f, path: f.path.replace(/\/a\/b\/hard$/, '/a/file') }))
  return rest
}

testIf(caps.ncdu)('an ncdu -e export loads as the live scan: totals, -d breakdown, top list, du\'s figures', async (t) => {
  const file = ncdu(tree, path.join(dir, 'e.json'))
  // Depth 1: a hard link between two directories counts under whichever the walk meets
  // first, and a parallel walk's order is not an export's; below depth 1 both are in `a`.
  const opts = { depth: 1, top: 5, bigint: true } as const
  const live = await dirsize(tree, opts)
  const loaded = await loadScan(file, opts)
  t.deepEqual(counted(loaded), counted(live))
  t.is(Number(loaded.bytes), duBytes(tree))
  t.is(Number(loaded.diskBytes), duDisk(tree))
})

testIf(caps.ncdu)('an ncdu export without -e: a notreg entry counts as `others` (a symlink cannot be told from a fifo)', async (t) => {
  const file = ncdu(tree, path.join(dir, 'plain.json'), false)
  const live = await dirsize(tree, { bigint: true })
  const loaded = await loadScan(file, { bigint: true })
  t.deepEqual(
    { ...counted(loaded), symlinks: 0n, others: 0n },
    { ...counted(live), symlinks: 0n, others: 0n },
  )
  t.is(loaded.symlinks, 0n)
  t.is(loaded.others, live.symlinks + live.others)
})

testIf(caps.ncdu)('a gzipped export loads as the plain one; the CLI prints what a live scan prints', async (t) => {
  const file = ncdu(tree, path.join(dir, 'cli.json'))
  const gz = path.join(dir, 'cli.json.gz')
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(file)))
  t.deepEqual(counted(await loadScan(gz, { bigint: true, depth: 2 })), counted(await loadScan(file, { bigint: true, depth: 2 })))
  for (const flags of [['-b', '-d', '1'], ['-h', '-c', '--top', '3'], ['--si', '-d', '0']]) {
    const live = cli([...flags, tree])
    const saved = cli([...flags, '-f', gz])
    t.is(saved.status, 0, saved.stderr)
    t.is(saved.stdout, live.stdout, flags.join(' '))
  }
  const strip = (s: string) => s.replace(/"elapsedMs": ?[\d.]+/g, '')
  t.is(strip(cli(['--json', '-d', '1', '-f', file]).stdout), strip(cli(['--json', '-d', '1', tree]).stdout))
  t.is(strip(cli(['--ndjson', '-f', file]).stdout), strip(cli(['--ndjson', tree]).stdout))
})

testIf(caps.ncdu)('several files are several roots: a hard link between them counts once, as in a live scan', async (t) => {
  const two = path.join(dir, 'two')
  fs.mkdirSync(path.join(two, 'x'), { recursive: true })
  fs.mkdirSync(path.join(two, 'y'))
  fs.writeFileSync(path.join(two, 'x/f'), Buffer.alloc(50_000, 1))
  fs.linkSync(path.join(two, 'x/f'), path.join(two, 'y/f'))
  const roots = [path.join(two, 'x'), path.join(two, 'y')]
  const files = roots.map((r, i) => ncdu(r, path.join(dir, `two-${i}.json`)))
  for (const countLinks of [false, true]) {
    const live = await dirsize(roots, { bigint: true, countLinks })
    t.deepEqual(counted(await loadScan(files, { bigint: true, countLinks })), counted(live), `countLinks ${countLinks}`)
    t.deepEqual(counted(loadScanSync(files, { bigint: true, countLinks })), counted(live), `sync, countLinks ${countLinks}`)
  }
  await t.throwsAsync(loadScan(files, { signal: AbortSignal.abort() }), { name: 'AbortError', code: 'ABORT_ERR' })
  t.is(cli(['-bc', '-f', ...files]).stdout, execFileSync('du', ['-sbc', ...roots], { encoding: 'utf8' }))
})

testIf(caps.gdu)('a gdu export: files and symlinks as saved; directories add no bytes of their own (gdu saves none)', async (t) => {
  const plain = path.join(dir, 'gdu-tree')
  fs.mkdirSync(path.join(plain, 'a/b'), { recursive: true })
  fs.writeFileSync(path.join(plain, 'a/f'), Buffer.alloc(3000, 1))
  fs.writeFileSync(path.join(plain, 'a/b/g'), Buffer.alloc(70_000, 1))
  fs.symlinkSync('a/f', path.join(plain, 'link'))
  const file = path.join(dir, 'gdu.json')
  execFileSync('gdu', ['-n', '-o', file, plain], { stdio: 'ignore' })
  const live = await dirsize(plain, { bigint: true, depth: 1 })
  const loaded = await loadScan(file, { bigint: true, depth: 1 })
  const dirBytes = 3n * BigInt(fs.statSync(plain).size)
  t.is(loaded.bytes, live.bytes - dirBytes)
  t.deepEqual([loaded.files, loaded.dirs, loaded.symlinks, loaded.others], [live.files, live.dirs, live.symlinks, live.others])
  t.deepEqual(loaded.tree!.map((e) => [e.path, e.files]), live.tree!.map((e) => [e.path, e.files]))
})

testIf(caps.ncdu && caps.asNobody)('an entry ncdu could not read is an error of the Result (code UNKNOWN: no reason is saved)', async (t) => {
  const locked = path.join(dir, 'locked')
  fs.mkdirSync(path.join(locked, 'no'), { recursive: true })
  fs.writeFileSync(path.join(locked, 'no/x'), 'x')
  fs.chmodSync(path.join(locked, 'no'), 0o000)
  fs.chmodSync(dir, 0o755)
  const file = ncdu(locked, path.join(dir, 'locked.json'), true, nobody)
  fs.chmodSync(path.join(locked, 'no'), 0o755)
  const r = await loadScan(file)
  t.is(r.errorCount, 1)
  t.like(r.errors[0], { path: path.join(locked, 'no'), code: 'UNKNOWN', syscall: 'scandir' })
  await t.throwsAsync(loadScan(file, { strict: true }), { code: 'UNKNOWN' })
  const c = cli(['-f', file])
  t.is(c.status, 1)
  t.regex(c.stderr, /cannot read '.*\/no': could not be read when the scan was saved/)
})

testIf(caps.ncdu)('a truncated or corrupt export is refused, naming the file and the byte, and the CLI prints nothing of it', async (t) => {
  const whole = fs.readFileSync(ncdu(tree, path.join(dir, 'whole.json')))
  const cut = path.join(dir, 'cut.json')
  // Every cut short of the whole file is refused, at the end of what is there.
  for (let len = 0; len < whole.length - 1; len += Math.max(1, Math.floor(whole.length / 97))) {
    fs.writeFileSync(cut, whole.subarray(0, len))
    const e = await t.throwsAsync<LoadError>(loadScan(cut))
    t.is(e?.code, 'ERR_INVALID_SAVED_SCAN', `cut at ${len}: ${e?.message}`)
    t.is(e?.file, cut)
    t.true(e!.offset <= len && e!.offset >= Math.min(len, 1) - 1, `cut at ${len}: offset ${e?.offset}`)
  }
  // A byte changed in the middle: refused at that byte, with its line and column.
  const at = whole.indexOf('"asize"', whole.length >> 1) + 8
  const bad = Buffer.from(whole)
  bad[at] = 0x78 // 'x' where a digit was
  fs.writeFileSync(cut, bad)
  const e = await t.throwsAsync<LoadError>(loadScan(cut))
  t.is(e?.offset, at)
  const before = whole.subarray(0, at).toString('latin1')
  t.is(e?.line, before.split('\n').length)
  t.is(e?.column, at - before.lastIndexOf('\n'))
  t.regex(e!.message, new RegExp(`cannot load '.*cut\\.json': .* at byte ${at} \\(line \\d+, column \\d+\\)`))
  // Gzipped and cut: refused too.
  const gz = path.join(dir, 'cut.json.gz')
  const packed = zlib.gzipSync(whole)
  fs.writeFileSync(gz, packed.subarray(0, packed.length - 20))
  const z = await t.throwsAsync<LoadError>(loadScan(gz))
  t.is(z?.code, 'ERR_INVALID_SAVED_SCAN')
  t.regex(z!.message, /decompressed/)
  // The CLI: a good file and a cut one print nothing, exit 1, say which and where.
  fs.writeFileSync(cut, whole.subarray(0, whole.length - 5))
  const good = path.join(dir, 'whole.json')
  for (const flags of [[], ['--json'], ['--ndjson']]) {
    const r = cli([...flags, '-f', good, cut])
    t.is(r.status, 1)
    t.is(r.stdout, '')
    t.regex(r.stderr, /^dirsize: cannot load '.*cut\.json': unexpected end of data.* at byte \d+ \(line \d+, column \d+\)\n$/)
  }
  // A file that is not there: the system's error, naming it.
  await t.throwsAsync(loadScan(path.join(dir, 'missing.json')), { code: 'ENOENT', message: /missing\.json/ })
})

test(`the backend is the one asked for (${backend})`, (t) => {
  t.is(backend, process.env.DIRSIZE_NATIVE === '0' ? 'typescript' : 'native')
})

test('options that need the file system are refused by loadScan (TypeError naming it) and by -f (exit 2)', async (t) => {
  for (const [name, value] of [['exclude', ['x']], ['oneFileSystem', true], ['followSymlinks', false], ['ignore', /x/], ['threads', 2]] as const) {
    await t.throwsAsync(loadScan('x.json', { [name]: value } as never), { instanceOf: TypeError, message: new RegExp(`\\b${name}\\b`) })
  }
  for (const flag of [['-x'], ['-L'], ['--exclude', 'a'], ['--ignore', 'a'], ['--threads', '2']]) {
    const r = cli(['-f', 'x.json', ...flag])
    t.is(r.status, 2)
    t.regex(r.stderr, new RegExp(`^dirsize: -f: ${flag[0]} needs the file system`))
  }
  await t.throwsAsync(loadScan([]), { instanceOf: TypeError, message: /files/ })
})

/**
 * `dirsize -o` (issue 16's export, from its own branch): the round trips run where the
 * command has it, and say why they are skipped where it has not.
 */
const canExport = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout.includes('-o, --export')

/** `dirsize -o` (the export), run as a user would. */
function exportTree(args: string[]): void {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`dirsize ${args.join(' ')}: ${r.stderr}`)
}

testIf(canExport)('round trip: scan, export (-e, .gz too), import: the same Result, bytes exact, and the same lines', async (t) => {
  for (const name of ['rt.json', 'rt.json.gz']) {
    const file = path.join(dir, name)
    exportTree(['-e', '-o', file, tree])
    for (const opts of [{ depth: 1, top: 5, bigint: true }, { depth: 0, bigint: true, countLinks: true }] as const) {
      t.deepEqual(counted(await loadScan(file, opts)), counted(await dirsize(tree, opts)), `${name} ${JSON.stringify(opts, (_k, v) => v)}`)
    }
    // --top 2 and -d 1: the hard link's two names are both inside `a`, below the two largest (see counted()).
    for (const flags of [['-b', '-d', '1'], ['-c', '--top', '2'], ['-0', '--si', '-d', '1']]) {
      t.is(cli([...flags, '-f', file]).stdout, cli([...flags, tree]).stdout, `${name} ${flags.join(' ')}`)
    }
  }
  // Without -e no mode is saved: every count but the symlinks/others split.
  const plain = path.join(dir, 'rt-plain.json')
  exportTree(['-o', plain, tree])
  const live = await dirsize(tree, { bigint: true, depth: 1 })
  const loaded = await loadScan(plain, { bigint: true, depth: 1 })
  t.deepEqual({ ...counted(loaded), symlinks: 0n, others: 0n }, { ...counted(live), symlinks: 0n, others: 0n })
  t.is(loaded.symlinks + loaded.others, live.symlinks + live.others)
})

testIf(canExport)('round trip: a root that is a file', async (t) => {
  const big = path.join(tree, 'sub/inner/big')
  const file = path.join(dir, 'rt-file.json')
  exportTree(['-e', '-o', file, big])
  t.deepEqual(counted(await loadScan(file, { bigint: true, depth: 1, top: 1 })), counted(await dirsize(big, { bigint: true, depth: 1, top: 1 })))
})

testIf(canExport)('round trip: what the export left out stays out (--exclude; -x over a mount)', async (t) => {
  const file = path.join(dir, 'rt-exclude.json')
  exportTree(['-e', '--exclude', 'b', '--exclude', '*.sock', '-o', file, tree])
  t.deepEqual(counted(await loadScan(file, { bigint: true, depth: 2 })), counted(await dirsize(tree, { bigint: true, depth: 2, exclude: ['b', '*.sock'] })))
  if (!caps.mounts) return t.log('skipped -x: no tmpfs mounts here')
  // A tree of its own: the other tests scan `tree` meanwhile.
  const own = path.join(dir, 'xtree')
  const mnt = path.join(own, 'sub/mnt')
  fs.mkdirSync(mnt, { recursive: true })
  fs.writeFileSync(path.join(own, 'sub/f'), Buffer.alloc(3000, 1))
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', mnt])
  try {
    fs.writeFileSync(path.join(mnt, 'on-tmpfs'), Buffer.alloc(9000, 1))
    const x = path.join(dir, 'rt-x.json')
    exportTree(['-e', '-x', '-o', x, own])
    t.deepEqual(counted(await loadScan(x, { bigint: true, depth: 1 })), counted(await dirsize(own, { bigint: true, depth: 1, oneFileSystem: true })))
  } finally {
    execFileSync('umount', [mnt])
    fs.rmdirSync(mnt)
  }
})
