/** The `dirsize` command, spawned as a user would run it. */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { embedded } from './helpers/report'
import { awkwardTree, du, duBytes, repoRoot, rm, tempDir } from './helpers/trees'

const bin = path.join(repoRoot, 'bin', 'dirsize.js')

function cli(args: string[], opts: { encoding?: 'buffer' } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: opts.encoding === 'buffer' ? undefined : 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout as unknown as string, stderr: r.stderr as unknown as string, raw: r.stdout as unknown as Buffer }
}

const root = tempDir()
awkwardTree(root)
fs.mkdirSync(path.join(root, 'sub/inner'), { recursive: true })
fs.writeFileSync(path.join(root, 'sub/inner/big'), Buffer.alloc(123_456, 1))
test.after.always(() => rm(root))
const a = path.join(root, 'a')
const sub = path.join(root, 'sub')

test('--json: per-root totals equal du -sb and du -s -B1, and the total sums them', (t) => {
  const r = cli(['--json', a, sub])
  t.is(r.status, 0, r.stderr)
  const doc = JSON.parse(r.stdout) as { roots: Array<Record<string, number | string>>; total: Record<string, number>; elapsedMs: number }
  t.deepEqual(doc.roots.map((x) => x.path), [a, sub])
  t.deepEqual(doc.roots.map((x) => x.bytes), du(['-sb'], [a, sub]))
  t.deepEqual(doc.roots.map((x) => x.diskBytes), du(['-s', '-B1'], [a, sub]))
  t.is(doc.total.bytes, du(['-sbc'], [a, sub]).at(-1))
  for (const k of ['files', 'dirs', 'symlinks', 'others', 'errorCount']) t.is(typeof doc.roots[0]![k], 'number')
  t.is(typeof doc.elapsedMs, 'number')
})

test('--json on the documented example: /usr/share and a missing root', (t) => {
  const r = cli(['--json', '/usr/share', '/does-not-exist'])
  t.is(r.status, 1)
  const doc = JSON.parse(r.stdout) as { roots: Array<{ path: string; bytes: number; errors: Array<{ code: string }> }> }
  t.is(doc.roots[0]!.bytes, duBytes('/usr/share'))
  t.is(doc.roots[1]!.errors[0]!.code, 'ENOENT')
  t.regex(r.stderr, /^dirsize: cannot read '\/does-not-exist': No such file or directory$/m)
})

test('--depth 1 -b equals du -b -d 1 line for line; -B1 likewise', (t) => {
  for (const [ours, theirs] of [[['-b'], ['-b']], [['--bytes', '--apparent-size'], ['-b']]]) {
    const mine = cli([...ours!, '--depth', '1', sub]).stdout.trim().split('\n').sort()
    const du1 = execFileSync('du', [...theirs!, '-d', '1', sub], { encoding: 'utf8' }).trim().split('\n').sort()
    t.deepEqual(mine, du1)
  }
  const disk = cli(['--json', '-d', '1', sub])
  const tree = (JSON.parse(disk.stdout) as { roots: Array<{ tree: Array<{ path: string; diskBytes: number }> }> }).roots[0]!.tree
  const duDisk = execFileSync('du', ['-B1', '-d', '1', sub], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'))
  t.deepEqual(tree.map((e) => [String(e.diskBytes), e.path]).sort(), duDisk.sort())
})

test('text output has the shape of du -sh, and -c adds a total', (t) => {
  const mine = cli([a, sub, '/usr/share'])
  t.is(mine.stdout, execFileSync('du', ['-sh', a, sub, '/usr/share'], { encoding: 'utf8' }))
  const si = cli(['--si', '-c', a, '/usr/share'])
  t.is(si.stdout, execFileSync('du', ['-sc', '--si', a, '/usr/share'], { encoding: 'utf8' }))
  const b = cli(['-bc', a, sub])
  t.is(b.stdout, execFileSync('du', ['-sbc', a, sub], { encoding: 'utf8' }))
})

test('--top finds the largest file', (t) => {
  const r = cli(['--json', '--top', '2', sub])
  const largest = (JSON.parse(r.stdout) as { roots: Array<{ largest: Array<{ path: string; bytes: number }> }> }).roots[0]!.largest
  t.is(largest[0]!.path, path.join(sub, 'inner/big'))
  t.is(largest[0]!.bytes, 123_456)
  const text = cli(['--top', '1', sub])
  t.regex(text.stdout, /Largest files in .*:\n\s+124K\t.*inner\/big\n/) // disk usage, as du -h
})

test('a missing root: exit 1, reported on stderr, the others still printed', (t) => {
  const r = cli([a, '/does-not-exist', sub])
  t.is(r.status, 1)
  t.is(r.stdout, execFileSync('du', ['-sh', a, sub], { encoding: 'utf8' }))
  t.regex(r.stderr, /dirsize: cannot read '\/does-not-exist': No such file or directory/)
})

test('bad usage: exit 2 with a usage line on stderr', (t) => {
  for (const args of [['--bogus'], ['--threads', 'abc'], ['--top', '-1'], ['-d', 'x'], ['-s', '-d', '2', '.'], ['--ignore', '(']]) {
    const r = cli(args)
    t.is(r.status, 2, args.join(' '))
    t.regex(r.stderr, /Usage: dirsize \[options\] \[paths\.\.\.\]/)
    t.is(r.stdout, '')
  }
})

test('--help has examples, --version the version', (t) => {
  const h = cli(['--help'])
  t.is(h.status, 0)
  t.regex(h.stdout, /Examples:/)
  t.regex(h.stdout, /--ndjson/)
  const v = cli(['--version'])
  t.is(v.stdout.trim(), (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version)
})

test('--ndjson: one parseable line per root, in order, then the total', (t) => {
  const r = cli(['--ndjson', a, '/does-not-exist', sub])
  t.is(r.status, 1)
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.is(lines.length, 4)
  t.deepEqual(lines.slice(0, 3).map((l) => l.path), [a, '/does-not-exist', sub])
  const total = lines[3]!.total as { bytes: number; errorCount: number }
  t.is(total.bytes, du(['-sbc'], [a, sub]).at(-1))
  t.is(total.errorCount, 1)
})

test('no progress line when stderr is not a terminal; --progress forces it', (t) => {
  const quiet = cli(['--threads', '1', '/usr'])
  t.is(quiet.stderr, '')
  const forced = cli(['--progress', '--threads', '1', '/usr'])
  t.regex(forced.stderr, /dirsize: [\d,]+ entries, /)
})

test('-0 ends lines with NUL and shows exact path bytes; text escapes hostile names', (t) => {
  const r = cli(['-0', '-b', '-d', '1', root], { encoding: 'buffer' })
  const records = r.raw.toString('latin1').split('\0').filter(Boolean)
  t.true(records.some((l) => l.endsWith('/new\nline')) === false) // files are not listed by -d
  t.is(records.at(-1), `${duBytes(root)}\t${root}`)
  fs.mkdirSync(path.join(root, 'dir\nwith newline'))
  fs.mkdirSync(path.join(root, 'esc\x1b[2Jape'))
  try {
    const text = cli(['-d', '1', root]).stdout
    t.regex(text, /\/dir\\nwith newline$/m)
    t.regex(text, /\/esc\\x1b\[2Jape$/m)
    t.false(text.includes('\x1b'))
    const z = cli(['-0', '-d', '1', root], { encoding: 'buffer' }).raw
    t.true(z.includes(Buffer.from(`${root}/dir\nwith newline\0`)))
  } finally {
    fs.rmdirSync(path.join(root, 'dir\nwith newline'))
    fs.rmdirSync(path.join(root, 'esc\x1b[2Jape'))
  }
})

test('hard links shared between roots count once in the total, as du does', (t) => {
  const dir = tempDir()
  try {
    fs.mkdirSync(path.join(dir, 'x'))
    fs.mkdirSync(path.join(dir, 'y'))
    fs.writeFileSync(path.join(dir, 'x/f'), Buffer.alloc(50_000))
    fs.linkSync(path.join(dir, 'x/f'), path.join(dir, 'y/f'))
    const roots = [path.join(dir, 'x'), path.join(dir, 'y')]
    const doc = JSON.parse(cli(['--json', ...roots]).stdout) as { total: { bytes: number } }
    t.is(doc.total.bytes, du(['-sbc'], roots).at(-1))
  } finally {
    rm(dir)
  }
})

test('--html: one scan gives the page and the same lines as without it', (t) => {
  const out = tempDir()
  try {
    const file = path.join(out, 'report.html')
    const plain = cli(['-d', '1', '--top', '2', a, sub])
    const r = cli(['--html', file, '-d', '1', '--top', '2', a, sub])
    t.is(r.status, plain.status)
    t.is(r.stdout, plain.stdout)
    t.regex(r.stderr, new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    const data = embedded(fs.readFileSync(file, 'utf8'))
    t.deepEqual(data.roots.map((x) => x.bytes), [duBytes(a), duBytes(sub)])
    // Unwritable page: the lines still come, the error is named, exit 1.
    const bad = cli(['--html', path.join(out, 'missing-dir', 'r.html'), sub])
    t.is(bad.status, 1)
    t.regex(bad.stderr, /--html: ENOENT/)
    t.is(bad.stdout, cli([sub]).stdout)
  } finally {
    rm(out)
  }
})

test('roots inside each other: the same lines and total as du -sbc', (t) => {
  for (const roots of [[root, sub], [sub, root], [sub, sub]]) {
    t.is(cli(['-bc', ...roots]).stdout, execFileSync('du', ['-sbc', ...roots], { encoding: 'utf8' }))
  }
  t.is(cli(['-bc', '--exclude', 'inner', root, path.join(sub, 'inner')]).stdout, execFileSync('du', ['-sbc', '--exclude=inner', root, path.join(sub, 'inner')], { encoding: 'utf8' }))
})
