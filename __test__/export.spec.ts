/**
 * Saving a scan in ncdu's JSON format (-o, exportScan), checked against ncdu 1.18 itself:
 * the same entries with the same asize, dsize and ino as ncdu's own export of the same
 * trees; ncdu and gdu read ours back (ncdu's re-export sums to du's totals, gdu totals it
 * as it totals its own scan). Both walkers, through the command line.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Writable } from 'node:stream'
import { gunzipSync } from 'node:zlib'

import test from 'ava'

import { backend, dirsize, exportScan } from 'dirsize'

import { caps, serialIf, testIf } from './helpers/platform'
import { awkwardTree, deepChain, du, nobody, repoRoot, tempDir } from './helpers/trees'

const bin = path.join(repoRoot, 'bin', 'dirsize.js')
const has = (cmd: string): boolean => spawnSync(cmd, ['--version']).status === 0
const ncdu = process.platform === 'linux' && has('ncdu')
const gdu = process.platform === 'linux' && has('gdu')

const root = tempDir('dirsize-export-')
test.after.always(() => {
  for (const m of mounted) spawnSync('umount', [m])
  // rm -rf goes down by descriptor; Node's rm would hit PATH_MAX in the deep chain.
  execFileSync('rm', ['-rf', root])
})
const mounted: string[] = []

/** A tree with what ncdu lists specially: hard links, a symlink, a fifo, odd names, an excludable dir. */
function tree(name: string): string {
  const dir = path.join(root, name)
  fs.mkdirSync(dir)
  awkwardTree(dir)
  fs.mkdirSync(path.join(dir, 'skip/inner'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'skip/inner/f'), 'excluded')
  fs.writeFileSync(path.join(dir, 'quote"back\\slash\x7f'), 'q')
  fs.linkSync(path.join(dir, 'a/file'), path.join(dir, 'third-link'))
  return dir
}

const backends = [
  { name: 'native', env: {} },
  { name: 'typescript', env: { DIRSIZE_NATIVE: '0' } },
] as const

function dirsizeCli(env: object, args: string[], asUser: string[] = []): { status: number | null; stdout: Buffer; stderr: string } {
  const cmd = [...asUser, process.execPath, bin, ...args]
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env: { ...process.env, ...env }, timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() }
}

function ncduExport(args: string[], asUser: string[] = []): Buffer {
  const cmd = [...asUser, 'ncdu', '--ignore-config', '-0', '-o', '-', ...args]
  return execFileSync(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] })
}

type Info = Record<string, unknown> & { name: string }
type Node = Info | [Info, ...Node[]]

/** A document as ncdu reads it: names are bytes (read as latin1 here, so any byte survives). */
function parse(doc: Buffer): { header: Record<string, unknown>; root: Node } {
  const v = JSON.parse(doc.toString('latin1')) as [number, number, Record<string, unknown>, Node]
  if (v[0] !== 1 || v.length !== 4) throw new Error('not an ncdu export')
  return { header: v[2], root: v[3] }
}

interface Entry {
  dir: boolean
  asize: number
  dsize: number
  ino?: number
  flags: string
}

/** Every entry by its path below the root, with what the comparison looks at. */
function entries(node: Node, at = '', out = new Map<string, Entry>()): Map<string, Entry> {
  const [info, kids] = Array.isArray(node) ? [node[0], node.slice(1) as Node[]] : [node, []]
  const p = at === '' ? '.' : at
  if (out.has(p)) throw new Error(`listed twice: ${p}`)
  const flags = [
    info.hlnkc ? `hlnkc nlink=${info.nlink as number}` : '',
    info.excluded ? `excluded=${info.excluded === 'othfs' ? 'otherfs' : (info.excluded as string)}` : '',
    info.read_error ? 'read_error' : '',
    info.notreg ? 'notreg' : '',
  ].filter(Boolean).join(' ')
  const e: Entry = { dir: Array.isArray(node), asize: (info.asize as number) ?? 0, dsize: (info.dsize as number) ?? 0, flags }
  if (info.ino !== undefined) e.ino = info.ino as number
  out.set(p, e)
  for (const k of kids) entries(k, `${p}/${(Array.isArray(k) ? k[0] : k).name}`, out)
  return out
}

/** What ncdu counts of a document: every entry but excluded ones, a hard link once per (dev, ino). */
function totals(node: Node, dev = 0, seen = new Set<string>()): { asize: number; dsize: number } {
  const [info, kids] = Array.isArray(node) ? [node[0], node.slice(1) as Node[]] : [node, []]
  const d = (info.dev as number | undefined) ?? dev
  const sum = { asize: 0, dsize: 0 }
  if (info.excluded) return sum
  const key = `${d}:${info.ino as number}`
  if (!info.hlnkc || !seen.has(key)) {
    seen.add(key)
    sum.asize += (info.asize as number) ?? 0
    sum.dsize += (info.dsize as number) ?? 0
  }
  for (const k of kids) {
    const t = totals(k, d, seen)
    sum.asize += t.asize
    sum.dsize += t.dsize
  }
  return sum
}

function sameAsNcdu(t: { deepEqual(a: unknown, b: unknown, m?: string): void; is(a: unknown, b: unknown, m?: string): void }, ours: Buffer, theirs: Buffer): void {
  const a = parse(ours)
  const b = parse(theirs)
  t.is((Array.isArray(a.root) ? a.root[0] : a.root).name, (Array.isArray(b.root) ? b.root[0] : b.root).name, "the root's name")
  const x = entries(a.root)
  const y = entries(b.root)
  t.deepEqual([...x.keys()].sort(), [...y.keys()].sort(), 'the same entries')
  for (const [p, e] of y) t.deepEqual(x.get(p), e, p)
}

for (const b of backends) {
  testIf(ncdu)(`${b.name}: the export lists what ncdu's lists of an awkward tree, with its sizes and inodes`, (t) => {
    const dir = tree(`awkward-${b.name}`)
    const r = dirsizeCli(b.env, ['-o', '-', '--exclude', 'skip', dir])
    t.is(r.status, 0, r.stderr)
    const doc = r.stdout
    sameAsNcdu(t, doc, ncduExport(['--exclude', 'skip', dir]))
    const { header } = parse(doc)
    t.is(header.progname, 'dirsize')
    t.true(Math.abs((header.timestamp as number) - Date.now() / 1000) < 600)
    // ncdu's bytes for a name: quotes, backslashes and control bytes escaped, the rest raw.
    t.true(doc.includes(Buffer.from('"quote\\"back\\\\slash\\u007f"')))
    if (caps.nonUtf8Names) t.true(doc.includes(Buffer.from([0x62, 0x61, 0x64, 0x2d, 0xff, 0xfe])), 'a non-UTF-8 name keeps its bytes')
    t.true(doc.includes('"new\\nline"'))
  })

  testIf(ncdu)(`${b.name}: ncdu reads the export back with du's totals, and -l marks no link`, (t) => {
    const dir = tree(`readback-${b.name}`)
    for (const [flags, duFlags] of [[[], []], [['-l'], ['-l']]] as const) {
      const file = path.join(root, `readback-${b.name}${flags.join('')}.json`)
      const r = dirsizeCli(b.env, ['-o', file, ...flags, dir])
      t.is(r.status, 0, r.stderr)
      const copy = execFileSync('ncdu', ['--ignore-config', '-f', file, '-o', '-'])
      const sum = totals(parse(copy).root)
      t.deepEqual(sum, { asize: du(['-sb', ...duFlags], [dir])[0], dsize: du(['-s', '-B1', ...duFlags], [dir])[0] }, flags.join(' '))
    }
  })

  testIf(gdu && ncdu)(`${b.name}: gdu totals the export as it totals its own scan and ncdu's export`, (t) => {
    const dir = tree(`gdu-${b.name}`)
    const ours = path.join(root, `gdu-${b.name}.json`)
    t.is(dirsizeCli(b.env, ['-o', ours, dir]).status, 0)
    const theirs = path.join(root, `gdu-${b.name}-ncdu.json`)
    fs.writeFileSync(theirs, ncduExport([dir]))
    for (const apparent of [[], ['-a']]) {
      const total = (args: string[]): string => execFileSync('gdu', ['-n', '-p', '-s', '--no-prefix', ...apparent, ...args], { encoding: 'utf8' }).trim().split(/\s+/)[0]!
      const own = total([dir])
      t.is(total(['-f', ours]), own, `gdu ${apparent.join('')}`)
      t.is(total(['-f', theirs]), own)
    }
  })

  serialIf(ncdu && caps.mounts)(`${b.name}: -x lists a mount point as ncdu does (excluded, otherfs), and without -x walks it`, (t) => {
    const dir = path.join(root, `mnt-${b.name}`)
    fs.mkdirSync(path.join(dir, 'mnt'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'f'), 'top')
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', path.join(dir, 'mnt')])
    mounted.push(path.join(dir, 'mnt'))
    fs.writeFileSync(path.join(dir, 'mnt/inside'), 'tmpfs file')
    for (const x of [['-x'], []]) {
      const r = dirsizeCli(b.env, ['-o', '-', ...x, dir])
      t.is(r.status, 0, r.stderr)
      sameAsNcdu(t, r.stdout, ncduExport([...x, dir]))
      const mnt = parse(r.stdout).root as Node[]
      const info = (mnt.find((n) => Array.isArray(n) && n[0].name === 'mnt') as Node[])[0] as Info
      t.not(info.dev, undefined, 'dev where it differs from the parent')
    }
  })

  testIf(ncdu && caps.asNobody)(`${b.name}: an unreadable directory is read_error, as ncdu lists it`, (t) => {
    const dir = path.join(root, `locked-${b.name}`)
    fs.mkdirSync(path.join(dir, 'locked/in'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'locked/in/f'), 'hidden')
    fs.writeFileSync(path.join(dir, 'open'), 'seen')
    fs.chmodSync(path.join(dir, 'locked'), 0o000)
    const r = dirsizeCli(b.env, ['-o', '-', dir], nobody)
    t.is(r.status, 1, 'an entry could not be read')
    sameAsNcdu(t, r.stdout, ncduExport([dir], nobody))
    t.deepEqual(totals(parse(r.stdout).root), { asize: du(['-sb'], [dir], nobody)[0], dsize: du(['-s', '-B1'], [dir], nobody)[0] })
  })

  testIf(ncdu)(`${b.name}: -e writes ncdu -e's uid, gid, mode and mtime`, (t) => {
    const dir = path.join(root, `ext-${b.name}`)
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'sub/f'), 'x', { mode: 0o640 })
    fs.symlinkSync('sub/f', path.join(dir, 'l'))
    fs.chownSync(path.join(dir, 'sub/f'), 1234, 5678)
    fs.utimesSync(path.join(dir, 'sub/f'), 1_000_000_000, 1_234_567_890)
    const r = dirsizeCli(b.env, ['-o', '-', '-e', dir])
    t.is(r.status, 0, r.stderr)
    const ext = (doc: Buffer): string[] =>
      [...doc.toString('latin1').matchAll(/"name":"([^"]*)"[^}]*?("uid":\d+,"gid":\d+,"mode":\d+,"mtime":-?\d+)/g)].map((m) => `${m[1]} ${m[2]}`).sort()
    const ours = ext(r.stdout)
    t.is(ours.length, 4)
    t.deepEqual(ours.map((l) => l.replace(/^\S+/, (n) => (n.startsWith('/') ? '.' : n))), ext(ncduExport(['-e', dir])).map((l) => l.replace(/^\S+/, (n) => (n.startsWith('/') ? '.' : n))))
  })

  test(`${b.name}: FILE.gz is gzip, -o - is the document alone on stdout, FILE is the same document`, (t) => {
    const dir = tree(`gz-${b.name}`)
    const gz = path.join(root, `gz-${b.name}.json.gz`)
    const plain = path.join(root, `gz-${b.name}.json`)
    const a = dirsizeCli(b.env, ['-o', gz, dir])
    t.is(a.status, 0, a.stderr)
    t.regex(a.stderr, /wrote .*\.json\.gz/)
    t.is(dirsizeCli(b.env, ['-o', plain, dir]).status, 0)
    const out = dirsizeCli(b.env, ['-o', '-', dir])
    // Children come in any order (the native walker finishes directories as it can).
    const body = (doc: Buffer): unknown => [...entries(parse(doc).root)].sort()
    t.deepEqual(body(gunzipSync(fs.readFileSync(gz))), body(fs.readFileSync(plain)))
    t.deepEqual(body(out.stdout), body(fs.readFileSync(plain)))
    t.is(fs.readdirSync(root).filter((n) => n.endsWith('.tmp')).length, 0, 'no temporary file left')
  })

  // The TypeScript walker goes by path, so not past PATH_MAX (the native one has no limit).
  const levels = b.name === 'native' ? 3000 : 1500
  test(`${b.name}: a chain ${levels} directories deep exports whole`, (t) => {
    const dir = path.join(root, `deep-${b.name}`)
    fs.mkdirSync(dir)
    deepChain(dir, levels)
    const r = dirsizeCli(b.env, ['-o', '-', dir])
    t.is(r.status, 0, r.stderr)
    const all = entries(parse(r.stdout).root)
    t.is(all.size, 1 + levels * 2)
    t.deepEqual(totals(parse(r.stdout).root), { asize: du(['-sb'], [dir])[0], dsize: du(['-s', '-B1'], [dir])[0] })
  })

  test(`${b.name}: -o refuses what it cannot do, before any work`, (t) => {
    const usage = (args: string[]): string => {
      const r = dirsizeCli(b.env, args)
      t.is(r.status, 2, args.join(' '))
      return r.stderr.split('\n')[0]!
    }
    t.regex(usage(['-o', 'x.json', root, root]), /-o takes one path/)
    t.regex(usage(['-e', root]), /-e \(--extended\) goes with -o/)
    t.regex(usage(['-o', '-', '--json', root]), /not with --json/)
    const r = dirsizeCli(b.env, ['-o', path.join(root, 'no/such/dir.json'), root])
    t.is(r.status, 1)
    t.is(r.stderr, `dirsize: ENOENT: no such file or directory, open '${path.join(root, 'no/such/dir.json')}'\n`)
  })
}

test('exportScan: to a Writable, resolving with the same Result a scan gives', async (t) => {
  t.is(backend, 'native', 'the API tests run the native walker (the command-line ones run both)')
  const dir = tree('api-stream')
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      chunks.push(c)
      // A slow sink: the writer waits for it.
      setTimeout(done, 1)
    },
  })
  const r = await exportScan(dir, { output: sink, bigint: true, exclude: ['skip'] })
  const plain = await dirsize(dir, { bigint: true, exclude: ['skip'] })
  t.deepEqual({ ...r, elapsedMs: 0 }, { ...plain, elapsedMs: 0 })
  t.true(sink.writableEnded, 'a caller\'s stream is ended with the document')
  const doc = Buffer.concat(chunks)
  t.deepEqual(totals(parse(doc).root), { asize: Number(plain.bytes), dsize: Number(plain.diskBytes) })
})

test('exportScan: a big tree goes out in several chunks, through a slow sink, with bounded buffering', async (t) => {
  const dir = path.join(root, 'api-many')
  fs.mkdirSync(dir)
  for (let i = 0; i < 40; i++) {
    fs.mkdirSync(path.join(dir, `d${i}`))
    for (let j = 0; j < 500; j++) fs.writeFileSync(path.join(dir, `d${i}`, `${'a-rather-long-file-name-'.repeat(8)}${j}`), '')
  }
  let most = 0
  let writes = 0
  let bytes = 0
  const watch = new Writable({
    highWaterMark: 64 * 1024,
    write(c: Buffer, _e, done) {
      writes++
      bytes += c.length
      most = Math.max(most, this.writableLength)
      setTimeout(done, 2)
    },
  })
  await exportScan(dir, { output: watch })
  t.true(bytes > 3_000_000, `${bytes} bytes`)
  t.true(writes > 10, `${writes} writes`)
  // The sink's buffer (64 KiB) plus the chunk that filled it: never the whole document.
  t.true(most <= 64 * 1024 + 256 * 1024, `at most ${most} bytes waited in the sink`)
})

test('exportScan: a sink that fails rejects with its error, and the scan stops', async (t) => {
  const dir = tree('api-fail')
  const sink = new Writable({
    write(_c, _e, done) {
      done(Object.assign(new Error('disk full'), { code: 'ENOSPC' }))
    },
  })
  await t.throwsAsync(exportScan(dir, { output: sink }), { code: 'ENOSPC' })
})

test('exportScan: bad options are TypeErrors naming them; an unreadable root leaves no file', async (t) => {
  const out = path.join(root, 'api-bad.json')
  await t.throwsAsync(exportScan(root, {} as never), { instanceOf: TypeError, message: /output/ })
  await t.throwsAsync(exportScan(root, { output: 5 as never }), { instanceOf: TypeError, message: /output/ })
  await t.throwsAsync(exportScan(root, { output: out, extended: 'yes' as never }), { instanceOf: TypeError, message: /extended/ })
  await t.throwsAsync(exportScan(root, { output: out, gzip: 1 as never }), { instanceOf: TypeError, message: /gzip/ })
  await t.throwsAsync(exportScan([root, root] as never, { output: out }), { instanceOf: TypeError, message: /one path/ })
  await t.throwsAsync(exportScan(root, { output: out, bogus: 1 } as never), { instanceOf: TypeError, message: /bogus/ })
  await t.throwsAsync(exportScan(path.join(root, 'missing'), { output: out }), { code: 'ENOENT' })
  t.false(fs.existsSync(out))
  t.deepEqual(fs.readdirSync(root).filter((n) => n.startsWith('.api-bad')), [], 'no temporary file left')
})

test('exportScan: a file root is the one entry of its parent, which adds no size', async (t) => {
  const dir = path.join(root, 'file-root')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'only'), 'just this')
  const chunks: Buffer[] = []
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      chunks.push(c)
      done()
    },
  })
  const r = await exportScan(path.join(dir, 'only'), { output: sink })
  const doc = parse(Buffer.concat(chunks))
  t.deepEqual([...entries(doc.root).keys()], ['.', './only'])
  t.is((doc.root as Node[])[0] && ((doc.root as Node[])[0] as Info).name, fs.realpathSync(dir))
  t.deepEqual(totals(doc.root), { asize: r.bytes, dsize: r.diskBytes })
})

test('exportScan: an aborted export rejects with an AbortError and leaves no file', async (t) => {
  const dir = path.join(root, 'api-abort')
  fs.mkdirSync(dir)
  for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(dir, `f${i}`), '')
  const out = path.join(root, 'api-abort.json')
  const ac = new AbortController()
  const pending = exportScan(dir, { output: out, signal: ac.signal, threads: 1 })
  ac.abort()
  await t.throwsAsync(pending, { name: 'AbortError' })
  t.false(fs.existsSync(out))
  t.deepEqual(fs.readdirSync(root).filter((n) => n.startsWith('.api-abort')), [], 'no temporary file left')
})
