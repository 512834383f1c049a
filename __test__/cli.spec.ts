/** The `dirsize` command, spawned as a user would run it. */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { caps, serialIf, testIf } from './helpers/platform'
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

const duText = (args: string[], opts: { cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync('du', args, { encoding: 'utf8', ...opts })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('-b -h -k -m -B --si --apparent-size: the last of them wins, as in du, line for line', (t) => {
  const file = path.join(root, 'sparse')
  const combos = [
    ['-k'], ['-m'], ['-BK'], ['-B1'], ['-B', '1K'], ['--block-size=KB'], ['-BMiB'], ['-B', '512'], ['-B', 'si'], ['-Bh'],
    ['-b', '-h'], ['-h', '-b'], ['-b', '-k'], ['-k', '-b'], ['-b', '--si'], ['--si', '-m'], ['-m', '-h'], ['-k', '--apparent-size'],
    ['--apparent-size', '-BKB'], ['-B1', '--apparent-size'], ['-h', '-B1'], ['-BKD'], ['-c', '-k'],
  ]
  for (const flags of combos) {
    const theirs = duText(['-s', ...flags, a, sub, file])
    const ours = cli([...flags, a, sub, file])
    t.is(ours.stdout, theirs.stdout, flags.join(' '))
    t.is(ours.status, 0, ours.stderr)
  }
  // A root that is a file gets its line under -d too.
  t.is(cli(['-b', '-d', '1', file]).stdout, duText(['-b', '-d', '1', file]).stdout)
  // With -d, every directory's line too.
  t.is(cli(['-k', '-d', '2', sub]).stdout.split('\n').sort().join('\n'), duText(['-k', '-d', '2', sub]).stdout.split('\n').sort().join('\n'))
})

test('-X FILE: patterns read as du reads them (CRLF, trailing blanks, blank lines, leading blanks, NUL), and -X - from stdin', (t) => {
  const dir = tempDir()
  try {
    for (const d of ['a', ' b', 'c', 'd', 'e ', 'g', 'h']) {
      fs.mkdirSync(path.join(dir, d))
      fs.writeFileSync(path.join(dir, d, 'f'), Buffer.alloc(3000, 1))
    }
    const list = path.join(dir, '..', `${path.basename(dir)}.exclude`)
    fs.writeFileSync(list, 'a\r\n\n   \n b\nc  \n\te\t\nh\0c\ng\\\nd')
    try {
      const ours = cli(['-b', '-d', '1', '-X', list, dir])
      t.is(ours.status, 0, ours.stderr)
      const theirs = duText(['-b', '-d', '1', '-X', list, dir])
      t.deepEqual(ours.stdout.split('\n').sort(), theirs.stdout.split('\n').sort())
      t.regex(ours.stdout, /\/e $/m) // "\te" is not "e "
      t.notRegex(ours.stdout, /\/h$/m) // "h\0c" is "h"
    } finally {
      fs.rmSync(list)
    }
    const stdin = spawnSync(process.execPath, [bin, '-b', '-X', '-', '--exclude', 'a', dir], { input: 'g\nd\n', encoding: 'utf8' })
    const du1 = spawnSync('du', ['-sb', '-X', '-', '--exclude', 'a', dir], { input: 'g\nd\n', encoding: 'utf8' })
    t.is(stdin.stdout, du1.stdout)
    const missing = cli(['-X', path.join(dir, 'nope'), dir])
    t.is(missing.status, 2)
    t.is(missing.stderr.split('\n')[0], `dirsize: --exclude-from: cannot read '${path.join(dir, 'nope')}': No such file or directory`)
    t.regex(missing.stderr, /^Usage: dirsize/m)
  } finally {
    rm(dir)
  }
})

test("an empty path is an error of that argument only: the other roots print, exit 1 (du: \"cannot access ''\")", (t) => {
  const theirs = duText(['-sb', '', a, '', sub])
  const ours = cli(['-b', '', a, '', sub])
  t.is(ours.stdout, theirs.stdout)
  t.is(ours.status, theirs.status)
  t.is(ours.stderr, "dirsize: cannot read '': No such file or directory\n".repeat(2))
  const json = JSON.parse(cli(['--json', a, '']).stdout) as { roots: Array<{ path: string; errors: Array<{ code: string }> }>; total: { errorCount: number } }
  t.deepEqual(json.roots.map((r) => r.path), [a, ''])
  t.is(json.roots[1]!.errors[0]!.code, 'ENOENT')
  t.is(json.total.errorCount, 1)
  const only = cli(['-c', ''])
  t.is(only.status, 1)
  t.is(only.stdout, '0\ttotal\n')
})

testIf(caps.gnuDu && caps.procfs)('a deleted working directory: dirsize . answers as du does (exit 0, its own size)', (t) => {
  const dir = tempDir()
  try {
    const inGone = (cmd: string): { status: number | null; stdout: string; stderr: string } => {
      const r = spawnSync('sh', ['-c', `mkdir gone && cd gone && rmdir ../gone && ${cmd} .`], { cwd: dir, encoding: 'utf8' })
      return { status: r.status, stdout: r.stdout, stderr: r.stderr }
    }
    const theirs = inGone('du -s -B1')
    for (const backend of ['1', '0']) {
      const ours = inGone(`DIRSIZE_NATIVE=${backend} ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} -B1`)
      t.deepEqual(ours, theirs, `DIRSIZE_NATIVE=${backend}`)
    }
    t.is(theirs.status, 0)
  } finally {
    rm(dir)
  }
})

// Serial: the other tests' spawnSync would hold this event loop, and the pipe would be closed late.
serialIf(caps.procfs)('stdout closed by its reader: no message, exit 141, and the scan stops there', async (t) => {
  const run = (args: string[], closeAfterFirstLine: boolean): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args])
      let stderr = ''
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
      child.stdout.on('data', () => {
        if (closeAfterFirstLine) child.stdout.destroy()
      })
      child.on('exit', (code) => resolve({ code, stderr }))
    })
  // The status line (forced on) tells how far each run walked.
  const walked = (stderr: string): number => Math.max(0, ...[...stderr.matchAll(/dirsize: ([\d,]+) entries/g)].map((m) => Number(m[1]!.replace(/,/g, ''))))
  // -l: each /usr is walked again (without it, a root already counted is skipped, as du).
  const args = ['--progress', '-l', '--threads', '2', '/usr', '/usr', '/usr', '/usr', '/usr', '/usr']
  const closed = await run(args, true)
  t.is(closed.code, 141)
  // Nothing but the status line, and that erased.
  t.is(closed.stderr.replace(/\r\x1b\[2K(dirsize: [^\r]*)?/g, ''), '')
  const all = await run(args, false)
  t.is(all.code, 0)
  // Roots are walked one after the other: the first line comes after the first root, the
  // failed write after the second; then the walk stops, where it would go on to six.
  t.true(walked(closed.stderr) < walked(all.stderr) * 0.6, `${walked(closed.stderr)} entries walked, of ${walked(all.stderr)}`)
  t.log(`entries walked: ${walked(closed.stderr)} with the pipe closed after the first line, ${walked(all.stderr)} in all`)
})

testIf(fs.existsSync('/dev/full'))('a write error (ENOSPC): one line, exit 1, as du', (t) => {
  for (const args of [[a, sub], ['--json', a], ['--help'], ['--version'], ['--ndjson', a, sub]]) {
    const full = fs.openSync('/dev/full', 'w')
    try {
      const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' })
      t.is(r.status, 1, args.join(' '))
      t.is(r.stderr, 'dirsize: write error: No space left on device\n', args.join(' '))
      // du says the same (with the reason when it still has it).
      const du1 = spawnSync('du', ['-s', a], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' })
      t.is(du1.status, 1)
      t.regex(du1.stderr, /^du: write error/)
    } finally {
      fs.closeSync(full)
    }
  }
})

/** A root on a fresh tmpfs, the one Linux file system with sparse files up to 2^63 - 1 bytes. */
function onTmpfs(t: { log(s: string): void }, fill: (dir: string) => void, check: (dir: string) => void): void {
  const dir = tempDir()
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'dirsize-test', dir])
  try {
    fill(dir)
    check(dir)
  } finally {
    execFileSync('umount', [dir])
    rm(dir)
    t.log(`tmpfs at ${dir}`)
  }
}

const root0 = caps.procfs && process.getuid?.() === 0

testIf(root0 && caps.gnuDu)('sizes past 2^53: exact digits in -b, -B1, -h, --json, --ndjson, -c and --top, as du prints them', (t) => {
  onTmpfs(t, (dir) => {
    fs.mkdirSync(path.join(dir, 'd'))
    execFileSync('truncate', ['-s', String(2n ** 53n + 1n), path.join(dir, 'd/a')])
  }, (dir) => {
    const d = path.join(dir, 'd')
    const f = path.join(d, 'a')
    const exact = (2n ** 53n + 1n).toString()
    t.is(cli(['-b', f]).stdout, `${exact}\t${f}\n`)
    for (const flags of [['-b'], ['--apparent-size', '-B1'], ['--apparent-size', '-h'], ['--apparent-size', '--si'], ['--apparent-size', '-k'], ['-bc'], ['-b', '-d', '1']]) {
      const duFlags = flags.includes('-d') ? flags : ['-s', ...flags]
      for (const p of [f, d]) t.is(cli([...flags, p]).stdout, duText([...duFlags, p]).stdout, `${flags.join(' ')} ${p}`)
    }
    t.is(cli(['-b', '--top', '1', d]).stdout.split('\n')[2], `  ${exact.padStart(12)}\t${f}`)
    const json = cli(['--json', f]).stdout
    t.regex(json, new RegExp(`"bytes": ${exact},`))
    t.regex(cli(['--ndjson', f]).stdout, new RegExp(`^\\{"total":\\{"bytes":${exact},`, 'm'))
    t.regex(cli(['--json', '--top', '1', d]).stdout, new RegExp(`"bytes": ${exact},\\s+"diskBytes": 0\\s+\\}`))
  })
})

testIf(root0)('sizes past 2^64: exact digits where du prints Infinity', (t) => {
  onTmpfs(t, (dir) => {
    fs.mkdirSync(path.join(dir, 'd'))
    execFileSync('truncate', ['-s', String(2n ** 63n - 1n), path.join(dir, 'd/b')])
    execFileSync('truncate', ['-s', String(2n ** 63n - 1n), path.join(dir, 'd/c')])
    execFileSync('truncate', ['-s', String(2n ** 53n + 1n), path.join(dir, 'd/a')])
  }, (dir) => {
    const d = path.join(dir, 'd')
    const sum = ['', 'a', 'b', 'c'].reduce((s, n) => s + fs.lstatSync(path.join(d, n), { bigint: true }).size, 0n)
    t.true(sum > 2n ** 64n)
    t.is(duText(['-sb', d]).stdout, `Infinity\t${d}\n`)
    t.is(cli(['-b', d]).stdout, `${sum}\t${d}\n`)
    t.is(cli(['-b', '-c', d]).stdout.split('\n').at(-2), `${sum}\ttotal`)
    t.is(cli(['--apparent-size', '-BK', d]).stdout, `${(sum + 1023n) / 1024n}K\t${d}\n`)
    t.is(cli(['--apparent-size', '-h', d]).stdout, `17E\t${d}\n`)
    t.regex(cli(['--json', d]).stdout, new RegExp(`"bytes": ${sum},`))
    t.regex(cli(['--ndjson', d]).stdout, new RegExp(`"total":\\{"bytes":${sum},`))
  })
})

/** Runs the CLI on a terminal of `columns` columns; returns all it wrote there, raw. */
function onTerminal(args: string[], columns: number): string {
  const script = [
    'import fcntl, os, pty, struct, subprocess, sys, termios',
    'm, s = pty.openpty()',
    'fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 24, int(sys.argv[1]), 0, 0))',
    'p = subprocess.Popen(sys.argv[2:], stdin=s, stdout=s, stderr=s)',
    'os.close(s)',
    'out = b""',
    'while True:',
    '    try:',
    '        d = os.read(m, 65536)',
    '    except OSError:',
    '        break',
    '    if not d: break',
    '    out += d',
    'p.wait()',
    'sys.stdout.buffer.write(out)',
  ].join('\n')
  return execFileSync('python3', ['-c', script, String(columns), process.execPath, bin, ...args], { encoding: 'latin1', maxBuffer: 1 << 28 })
}

testIf(caps.procfs)('the status line on a terminal: one line, redrawn in place, cleared before each line and at the end', (t) => {
  // -l: each /usr is walked again, so the scan outlasts the 300 ms before the line shows.
  const out = onTerminal(['-l', '--threads', '1', '/usr', '/usr'], 50)
  const frames = out.split('\r\x1b[2K')
  const status = frames.filter((f) => f.startsWith('dirsize: '))
  t.true(status.length >= 2, JSON.stringify(out.slice(0, 300)))
  for (const f of status) {
    t.regex(f, /^dirsize: [\d,]+ entries, [\d.]+[KMGT]?, [\d.]+[kMG]? entries\/s, \d/)
    t.true(f.length < 50, `no wider than the terminal: ${JSON.stringify(f)}`)
  }
  // The two lines each come after an erase, on a line of their own; the last write erases.
  const lines = frames.filter((f) => !f.startsWith('dirsize: ') && f !== '')
  t.deepEqual(lines.map((l) => l.replace(/^[\d.]+[KMGT]?\t/, '')), ['/usr\r\n', '/usr\r\n'])
  t.true(out.endsWith('\r\x1b[2K'))
  // No cursor hiding, cursor moves or other escapes than the erase.
  t.is(out.replace(/\r\x1b\[2K/g, '').replace(/[^\x1b]/g, ''), '')
  // --no-progress: none at all.
  t.false(onTerminal(['--no-progress', '-l', '--threads', '1', '/usr', '/usr'], 50).includes('\x1b'))
})

test('start-up: --version and --help load only the flag parser; a scan loads no report, bench, TypeScript walker or package', (t) => {
  const loaded = (args: string[], env: Record<string, string> = {}): string[] => {
    const probe = path.join(root, '..', `${path.basename(root)}-probe.js`)
    fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write('\\n@@' + JSON.stringify(Object.keys(require.cache))))")
    try {
      const r = spawnSync(process.execPath, ['-r', probe, bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } })
      const files = JSON.parse(r.stderr.slice(r.stderr.lastIndexOf('\n@@') + 3)) as string[]
      return files.filter((f) => f !== probe).map((f) => path.relative(repoRoot, f)).sort()
    } finally {
      fs.rmSync(probe)
    }
  }
  const parser = ['bin/dirsize.js', 'dist/src/cli/args.js', 'dist/src/cli/format.js', 'dist/src/cli/main.js', 'dist/src/cli/output.js', 'dist/src/cli/units.js']
  t.deepEqual(loaded(['--version']), [...parser, 'package.json'].sort())
  t.deepEqual(loaded(['--help']), parser)
  t.deepEqual(loaded(['--bogus']), parser)
  const scan = loaded([a], { DIRSIZE_NATIVE: '1' })
  t.true(scan.includes('binding.js') && scan.includes('dist/src/api.js'), scan.join(' '))
  for (const f of scan) t.notRegex(f, /node_modules|src\/(report|bench|walker|compat)\//)
  // DIRSIZE_NATIVE=0: the TypeScript walker, loaded only then.
  t.true(loaded([a], { DIRSIZE_NATIVE: '0' }).some((f) => f.startsWith('dist/src/walker/')))
})

/** Runs a command with arguments given as exact bytes (Node's spawn would encode them as UTF-8). */
function runBytes(args: Buffer[]): { status: number; stdout: Buffer; stderr: string } {
  const script = [
    'import json, subprocess, sys',
    'args = [bytes.fromhex(a) for a in json.load(sys.stdin)]',
    'r = subprocess.run(args, capture_output=True)',
    'sys.stdout.write(json.dumps({"status": r.returncode, "stdout": r.stdout.hex(), "stderr": r.stderr.decode("utf-8", "replace")}))',
  ].join('\n')
  const out = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(args.map((a) => a.toString('hex'))), encoding: 'utf8' })) as {
    status: number; stdout: string; stderr: string
  }
  return { status: out.status, stdout: Buffer.from(out.stdout, 'hex'), stderr: out.stderr }
}

testIf(caps.nonUtf8Names && caps.gnuDu)('a root whose name is not UTF-8 is sized from its exact bytes, as du sizes it', (t) => {
  const dir = tempDir()
  try {
    // "café" in Latin-1: Node's argv has U+FFFD where the 0xe9 was.
    const name = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])])
    fs.mkdirSync(name)
    fs.writeFileSync(Buffer.concat([name, Buffer.from('/f')]), Buffer.alloc(5000, 1))
    const node = Buffer.from(process.execPath)
    const ours = runBytes([node, Buffer.from(bin), Buffer.from('-b0'), name, Buffer.from(a)])
    t.is(ours.status, 0, ours.stderr)
    t.deepEqual(ours.stdout, runBytes([Buffer.from('du'), Buffer.from('-sb0'), name, Buffer.from(a)]).stdout)
    // Text escapes the byte; JSON gives the exact bytes in base64.
    const size = runBytes([Buffer.from('du'), Buffer.from('-sb'), name]).stdout.toString('latin1').split('\t')[0]
    t.is(runBytes([node, Buffer.from(bin), Buffer.from('-b'), name]).stdout.toString(), `${size}\t${dir}/caf\\xe9\n`)
    const json = JSON.parse(runBytes([node, Buffer.from(bin), Buffer.from('--json'), name]).stdout.toString()) as { roots: Array<{ pathBase64: string; bytes: number }> }
    t.is(Buffer.from(json.roots[0]!.pathBase64, 'base64').toString('hex'), name.toString('hex'))
    // A name that is valid UTF-8 (U+FFFD itself) is left as it is.
    const replacement = path.join(dir, 'x\ufffdy')
    fs.mkdirSync(replacement)
    t.is(cli(['-b', replacement]).stdout, `${duBytes(replacement)}\t${replacement}\n`)
  } finally {
    rm(dir)
  }
})
