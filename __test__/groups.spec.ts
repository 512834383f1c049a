/**
 * groupBy and the file filters, against oracles written here: an lstat walk (hard links
 * once by device and inode) grouped by each key, and find(1) for the filters. Runs for the
 * backend the environment picks (walker-typescript.spec.ts re-runs it with DIRSIZE_NATIVE=0).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { dirsize, dirsizeSync, type Group, type GroupKey, loadScan, loadScanSync, report, type Result } from 'dirsize'

import { caps, testIf } from './helpers/platform'
import { embedded } from './helpers/report'
import { awkwardTree, repoRoot, rm, tempDir } from './helpers/trees'

const DAY = 86_400
const BOUNDS = [DAY, 7 * DAY, 30 * DAY, 91 * DAY, 365 * DAY, 730 * DAY, 1826 * DAY]
const AGES = ['future', '< 1 day', '< 1 week', '< 1 month', '< 3 months', '< 1 year', '< 2 years', '< 5 years', 'older']
const KEYS: GroupKey[] = ['extension', 'type', 'owner', 'group', 'age']
const asRoot = process.platform === 'linux' && process.getuid?.() === 0
const unix = process.platform !== 'win32'

function getent(db: 'passwd' | 'group', id: number): string {
  const r = spawnSync('getent', [db, String(id)], { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.split(':')[0]! : String(id)
}

/** The oracle: every entry under `root` by lstat, hard links once, grouped by every key. */
function oracle(root: string, now: number): Record<GroupKey, Map<string, { files: number; bytes: number; diskBytes: number; id?: number }>> {
  const out = Object.fromEntries(KEYS.map((k) => [k, new Map()])) as ReturnType<typeof oracle>
  const seen = new Set<string>()
  const add = (by: GroupKey, key: string, s: fs.BigIntStats, id?: number): void => {
    const g = out[by].get(key) ?? { files: 0, bytes: 0, diskBytes: 0, id }
    g.files++
    g.bytes += Number(s.size)
    g.diskBytes += Number(s.blocks) * 512
    out[by].set(key, g)
  }
  const visit = (p: Buffer, name: Buffer): void => {
    const s = fs.lstatSync(p, { bigint: true })
    if (!s.isDirectory() && s.nlink > 1n) {
      const id = `${s.dev}:${s.ino}`
      if (seen.has(id)) return
      seen.add(id)
    }
    const type = s.isFile() ? 'file' : s.isDirectory() ? 'directory' : s.isSymbolicLink() ? 'symlink' : 'other'
    let ext = `(${type})`
    if (type === 'file') {
      const dot = name.lastIndexOf(0x2e)
      ext = dot > 0 && dot < name.length - 1 ? `.${name.subarray(dot + 1).toString().toLowerCase()}` : '(none)'
    }
    add('extension', ext, s)
    add('type', type, s)
    add('owner', `${s.uid}`, s, Number(s.uid))
    add('group', `${s.gid}`, s, Number(s.gid))
    const age = now - Math.floor(Number(s.mtimeMs) / 1000)
    add('age', age < 0 ? 'future' : AGES[1 + (BOUNDS.findIndex((b) => age < b) + 1 || BOUNDS.length + 1) - 1]!, s)
    if (s.isDirectory()) for (const n of fs.readdirSync(p, { encoding: 'buffer' })) visit(Buffer.concat([p, Buffer.from('/'), n]), n)
  }
  visit(Buffer.from(root), Buffer.from(path.basename(root)))
  // Owners and groups are keyed by name, as the Result names them.
  for (const by of ['owner', 'group'] as const) {
    const named = new Map([...out[by].values()].map((g) => [getent(by === 'owner' ? 'passwd' : 'group', g.id!), g]))
    out[by] = named
  }
  return out
}

function asMap(groups: Group[] | undefined): Map<string, { files: number; bytes: number; diskBytes: number; id?: number }> {
  return new Map((groups ?? []).map((g) => [g.key, { files: g.files, bytes: g.bytes, diskBytes: g.diskBytes, id: g.uid ?? g.gid }]))
}

function sortedLargestFirst(t: { is: (a: unknown, b: unknown, m?: string) => void }, groups: Group[]): void {
  for (let i = 1; i < groups.length; i++) {
    const a = groups[i - 1]!
    const b = groups[i]!
    t.is(a.diskBytes > b.diskBytes || (a.diskBytes === b.diskBytes && a.bytes >= b.bytes), true, `${a.key} before ${b.key}`)
  }
}

function sumsToTotals(t: { is: (a: unknown, b: unknown, m?: string) => void }, r: Pick<Result, 'bytes' | 'diskBytes' | 'files' | 'dirs' | 'symlinks' | 'others' | 'groups'>): void {
  for (const [by, list] of Object.entries(r.groups ?? {})) {
    t.is(list.reduce((s, g) => s + g.bytes, 0), r.bytes, `${by}: bytes`)
    t.is(list.reduce((s, g) => s + g.diskBytes, 0), r.diskBytes, `${by}: diskBytes`)
    t.is(list.reduce((s, g) => s + g.files, 0), r.files + r.dirs + r.symlinks + r.others, `${by}: entries`)
  }
}

// An awkward tree, with files of several owners and mtimes on both sides of every bucket.
const root = tempDir()
awkwardTree(root)
const now = Math.floor(Date.now() / 1000)
fs.mkdirSync(path.join(root, 'aged'))
BOUNDS.forEach((b, i) => {
  for (const [side, at] of [['in', b - 120], ['out', b + 120]] as const) {
    const f = path.join(root, 'aged', `${i}-${side}.Log`)
    fs.writeFileSync(f, Buffer.alloc(100 * (i + 1)))
    fs.utimesSync(f, now - at, now - at)
  }
})
fs.writeFileSync(path.join(root, 'aged', 'future.tar.GZ'), 'later')
fs.utimesSync(path.join(root, 'aged', 'future.tar.GZ'), now + 3600, now + 3600)
fs.writeFileSync(path.join(root, '.bashrc'), 'dot')
fs.writeFileSync(path.join(root, 'Makefile.'), 'trailing dot')
if (asRoot) {
  fs.mkdirSync(path.join(root, 'owned'))
  for (const [uid, gid] of [[1000, 1000], [4242, 100], [65534, 65534], [1000, 4242]]) {
    const f = path.join(root, 'owned', `u${uid}-g${gid}.dat`)
    fs.writeFileSync(f, Buffer.alloc(uid % 3000))
    fs.chownSync(f, uid, gid)
  }
}
fs.utimesSync(path.join(root, 'aged'), now - 40 * DAY, now - 40 * DAY)
test.after.always(() => rm(root))

function sameAsOracle(t: Parameters<Parameters<typeof test>[1]>[0], dir: string, r: Result, before: number): void {
  const want = oracle(dir, before)
  const sorted = (m: Map<string, unknown>): Array<[string, unknown]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))
  for (const by of KEYS) t.deepEqual(sorted(asMap(r.groups?.[by])), sorted(want[by]), `groups by ${by}`)
  for (const by of KEYS) sortedLargestFirst(t, r.groups![by]!)
  sumsToTotals(t, r)
}

for (const threads of [1, undefined]) {
  testIf(unix)(`every key on the awkward tree, threads ${threads ?? 'default'}`, async (t) => {
    const before = Math.floor(Date.now() / 1000)
    const r = await dirsize(root, { groupBy: KEYS, threads })
    sameAsOracle(t, root, r, before)
    t.deepEqual(dirsizeSync(root, { groupBy: KEYS, threads }).groups, r.groups)
  })
}

testIf(unix)('every key on a real node_modules', async (t) => {
  const nm = path.join(repoRoot, 'node_modules')
  const before = Math.floor(Date.now() / 1000)
  const r = await dirsize(nm, { groupBy: KEYS })
  sameAsOracle(t, nm, r, before)
  t.true(r.groups!.extension!.length > 10)
})

testIf(unix)('the age buckets split at their bounds (mtime by default; atime and ctime on demand)', async (t) => {
  const aged = path.join(root, 'aged')
  const r = await dirsize(aged, { groupBy: 'age' })
  const files = new Map(r.groups!.age!.map((g) => [g.key, g.files]))
  // Each bucket but the first holds one file just inside its bound from the one below,
  // and one just past: 0-in < 1 day, 0-out and 1-in < 1 week, ..., 6-out older.
  t.is(files.get('future'), 1)
  t.is(files.get('< 1 day'), 1)
  for (let i = 2; i < AGES.length - 1; i++) t.is(files.get(AGES[i]!), i === 4 ? 3 : 2, AGES[i]) // `aged` itself is 40 days old: < 3 months
  t.is(files.get('older'), 1)
  const byCtime = await dirsize(aged, { groupBy: 'age', time: 'ctime' })
  t.deepEqual(byCtime.groups!.age!.map((g) => g.key), ['< 1 day'], 'every ctime is now')
})

testIf(asRoot)('owners and groups: each uid and gid once, named when the system knows it', async (t) => {
  const r = await dirsize(path.join(root, 'owned'), { groupBy: ['owner', 'group'] })
  const owners = new Map(r.groups!.owner!.map((g) => [g.uid, g]))
  t.is(owners.get(1000)!.files, 2)
  t.is(owners.get(4242)!.key, getent('passwd', 4242))
  t.is(owners.get(65534)!.key, getent('passwd', 65534))
  t.is(owners.get(0)!.files, 1, 'the directory')
  const byGid = r.groups!.group!.map((g) => [g.gid, g.files]).sort((a, b) => a[0]! - b[0]!)
  t.deepEqual(byGid, [[0, 1], [100, 1], [1000, 1], [4242, 1], [65534, 1]])
})

testIf(unix)('several roots: each root has its groups, the scan the merge of them', async (t) => {
  const roots = [path.join(root, 'a'), path.join(root, 'aged'), path.join(root, 'a')]
  const r = await dirsize(roots, { groupBy: ['extension', 'type'] })
  for (const rr of r.roots!) sumsToTotals(t, rr)
  sumsToTotals(t, r)
  const types = new Map(r.groups!.type!.map((g) => [g.key, g.files]))
  t.is(types.get('directory'), r.dirs)
  t.is(types.get('file'), r.files)
  t.deepEqual(r.roots![2]!.groups, { extension: [], type: [] }, 'a root counted before has empty groups')
})

/** find's matches under `dir`, hard links once: what the filters must count. */
function find(dir: string, tests: string[]): { bytes: number; diskBytes: number; entries: number } {
  const out = execFileSync('find', [dir, '!', '-type', 'd', ...tests, '-printf', '%D %i %n %s %b\\n'], { encoding: 'utf8' })
  const seen = new Set<string>()
  const sum = { bytes: 0, diskBytes: 0, entries: 0 }
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const [dev, ino, nlink, size, blocks] = line.split(' ')
    if (Number(nlink) > 1) {
      if (seen.has(`${dev}:${ino}`)) continue
      seen.add(`${dev}:${ino}`)
    }
    sum.bytes += Number(size)
    sum.diskBytes += Number(blocks) * 512
    sum.entries++
  }
  return sum
}

// Ages at half days, so `olderThan: N` (more than N days) and find's -mtime +(N-1) (whole
// days, rounded down, more than N-1) pick the same files; likewise newerThan N and -mtime -N.
const filtered = tempDir()
const halfDays = [0.5, 1.5, 2.5, 10.5, 29.5, 400.5]
halfDays.forEach((d, i) => {
  for (const size of [0, 99, 100, 101, 4096, 5000, 5001, 70_000]) {
    const f = path.join(filtered, `d${i}`, `s${size}.bin`)
    fs.mkdirSync(path.dirname(f), { recursive: true })
    fs.writeFileSync(f, Buffer.alloc(size, 1))
    fs.utimesSync(f, now - d * DAY, now - d * DAY)
  }
  fs.symlinkSync(`s100.bin`, path.join(filtered, `d${i}`, 'link'))
  fs.lutimesSync(path.join(filtered, `d${i}`, 'link'), now - d * DAY, now - d * DAY)
})
fs.linkSync(path.join(filtered, 'd5', 's5000.bin'), path.join(filtered, 'd0', 'hard.bin'))
if (unix) execFileSync('mkfifo', [path.join(filtered, 'fifo')])
test.after.always(() => rm(filtered))

const filterCases: Array<{ filter: Record<string, unknown>; find: string[] }> = [
  { filter: { minSize: 100 }, find: ['-size', '+99c'] },
  { filter: { maxSize: 5000 }, find: ['-size', '-5001c'] },
  { filter: { minSize: 100, maxSize: 5000, type: 'f' }, find: ['-size', '+99c', '-size', '-5001c', '-type', 'f'] },
  { filter: { olderThan: 2 }, find: ['-mtime', '+1'] },
  { filter: { olderThan: 30 }, find: ['-mtime', '+29'] },
  { filter: { newerThan: 10 }, find: ['-mtime', '-10'] },
  { filter: { newerThan: 2, olderThan: 1 }, find: ['-mtime', '-2', '-mtime', '+0'] },
  { filter: { type: ['l', 'o'] }, find: ['(', '-type', 'l', '-o', '-type', 'p', ')'] },
  { filter: { type: 'o' }, find: ['-type', 'p'] },
  { filter: { olderThan: new Date((now - 3 * DAY) * 1000) }, find: ['-mtime', '+2'] },
  { filter: { newerThan: new Date((now - 3 * DAY) * 1000).toISOString() }, find: ['-mtime', '-3'] },
]

for (const c of filterCases) {
  testIf(unix)(`filter ${JSON.stringify(c.filter)} counts what find ${c.find.join(' ')} lists`, async (t) => {
    const want = find(filtered, c.find)
    const r = await dirsize(filtered, { filter: c.filter, groupBy: ['type', 'age'] })
    t.is(r.bytes, want.bytes)
    t.is(r.diskBytes, want.diskBytes)
    t.is(r.files + r.symlinks + r.others, want.entries)
    t.is(r.dirs, 0, 'directories are walked, not counted')
    sumsToTotals(t, r)
  })
}

test('with a filter, the tree and the top list hold only what matches; an empty filter changes nothing', async (t) => {
  const r = await dirsize(filtered, { filter: { minSize: 5001 }, depth: 1, top: 100 })
  t.true(r.largest!.every((f) => f.bytes >= 5001))
  t.is(r.largest!.length, r.files)
  const top = r.tree!.find((e) => e.depth === 0)!
  t.is(top.bytes, r.bytes)
  t.deepEqual(await dirsize(filtered, { filter: {} }).then(({ elapsedMs: _, ...x }) => x), await dirsize(filtered).then(({ elapsedMs: _, ...x }) => x))
})

test('bad groupBy, time and filter values name their option', (t) => {
  t.throws(() => dirsizeSync(root, { groupBy: 'size' as GroupKey }), { instanceOf: TypeError, message: /groupBy/ })
  t.throws(() => dirsizeSync(root, { groupBy: ['type', 'bogus' as GroupKey] }), { instanceOf: TypeError, message: /groupBy\[1\]/ })
  t.throws(() => dirsizeSync(root, { time: 'btime' as 'mtime' }), { instanceOf: TypeError, message: /time/ })
  t.throws(() => dirsizeSync(root, { filter: { minSize: -1 } }), { instanceOf: RangeError, message: /filter\.minSize/ })
  t.throws(() => dirsizeSync(root, { filter: { maxSize: '1M' as unknown as number } }), { instanceOf: TypeError, message: /filter\.maxSize/ })
  t.throws(() => dirsizeSync(root, { filter: { type: 'd' as 'f' } }), { instanceOf: TypeError, message: /filter\.type/ })
  t.throws(() => dirsizeSync(root, { filter: { olderThan: 'last week' } }), { instanceOf: TypeError, message: /filter\.olderThan/ })
  t.throws(() => dirsizeSync(root, { filter: { newerThan: -1 } }), { instanceOf: RangeError, message: /filter\.newerThan/ })
  t.throws(() => dirsizeSync(root, { filter: { size: 1 } as object }), { instanceOf: TypeError, message: /filter\.size/ })
})

const bin = path.join(repoRoot, 'bin', 'dirsize.js')
function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 })
}

testIf(unix)('the command: a table per --by key, groups in --json and --ndjson, filters as flags', (t) => {
  const text = cli(['-b', '--by', 'type', '--by', 'extension', path.join(root, 'aged')])
  t.is(text.status, 0, text.stderr)
  const [line, , typeHead, ...rest] = text.stdout.split('\n')
  t.regex(line!, /^\d+\t/)
  t.regex(typeHead!, /^type +size +share +entries$/)
  t.true(rest.some((l) => /^\.log +\d+ +\d+\.\d% +14$/.test(l)), text.stdout)
  const json = JSON.parse(cli(['--json', '--by', 'age', '--older-than', '2', filtered]).stdout) as { total: Result; groups: { age: Group[] } }
  t.is(json.groups.age.reduce((s, g) => s + g.diskBytes, 0), json.total.diskBytes)
  t.is(json.total.bytes, find(filtered, ['-mtime', '+1']).bytes)
  const nd = cli(['--ndjson', '--by', 'type', '--min-size', '4K', filtered]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.deepEqual(nd.filter((l) => l.group).map((l) => l.key), ['file'])
  t.is(nd.at(-1)!.total && (nd.at(-1)!.total as Result).bytes, find(filtered, ['-size', '+4095c']).bytes)
  for (const bad of [['--by', 'size'], ['--min-size', '1X'], ['--older-than', 'yesterday'], ['--type', 'd'], ['--time', 'btime']]) {
    const r = cli([...bad, root])
    t.is(r.status, 2, bad.join(' '))
    t.regex(r.stderr, /^error: option '--[a-z-]+ <[^>]+>' argument '[^']*' is invalid\./, bad.join(' '))
  }
})

test('the report: a panel per key beside the treemap, each adding up to its root', async (t) => {
  const page = await report(root, { groupBy: ['extension', 'age'] })
  const data = embedded(page) as ReturnType<typeof embedded> & { roots: Array<{ groups: Array<{ by: string; rows: Group[] }> }> }
  const r = data.roots[0]!
  t.deepEqual(r.groups.map((g) => g.by), ['extension', 'age'])
  for (const panel of r.groups) t.is(panel.rows.reduce((s, g) => s + g.diskBytes, 0), data.roots[0]!.diskBytes, panel.by)
  if (!fs.existsSync('/usr/bin/chromium')) return
  const { chromium } = await import('playwright-core')
  const file = path.join(repoRoot, '__test__', 'output', 'report-groups.html')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, page)
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  try {
    const p = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    await p.goto(`file://${file}`)
    t.deepEqual(await p.locator('#groups h2').allTextContents(), ['By extension', 'By age'])
    t.is(await p.locator('#groups table').first().locator('tbody tr').count(), r.groups[0]!.rows.length)
    const map = await p.locator('#map').boundingBox()
    const panel = await p.locator('#groups').boundingBox()
    t.true(panel!.x >= map!.x + map!.width, 'the panels sit beside the treemap')
    await p.screenshot({ path: file.replace(/\.html$/, '.png') })
  } finally {
    await browser.close()
  }
})

// Saved scans (loadScan, dirsize -f): the groups and filters from the saved fields. The
// live scan and the load each take their own "now", seconds apart: every mtime here is at
// least 120 s from a bucket's edge (`aged`) or half a day from a filter's (`filtered`).
const saves = tempDir('dirsize-saved-groups-')
test.after.always(() => rm(saves))

/** `dirsize -o FILE [-e] DIR`, or ncdu's `-o` export (to stdout: ncdu writes no partial file). */
function save(dir: string, name: string, how: 'dirsize' | 'dirsize -e' | 'ncdu -e'): string {
  const file = path.join(saves, name)
  if (how === 'ncdu -e') {
    fs.writeFileSync(file, execFileSync('ncdu', ['--ignore-config', '-e', '-o', '-', dir], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOME: saves } }))
  } else {
    const r = cli(['-o', file, ...(how === 'dirsize -e' ? ['-e'] : []), dir])
    if (r.status !== 0) throw new Error(r.stderr)
  }
  return file
}

const withoutTime = ({ elapsedMs: _e, backend: _b, ...rest }: Result): Omit<Result, 'elapsedMs' | 'backend'> => rest

for (const how of ['dirsize -e', 'ncdu -e'] as const) {
  testIf(unix && (how !== 'ncdu -e' || caps.ncdu))(`a saved scan (${how}) has the live scan's groups, through loadScan and -f --by`, async (t) => {
    const file = save(root, `groups-${how.replace(/ /g, '')}.json`, how)
    const live = await dirsize(root, { groupBy: KEYS })
    const loaded = await loadScan(file, { groupBy: KEYS })
    t.deepEqual(loaded.groups, live.groups)
    t.deepEqual([loaded.bytes, loaded.diskBytes, loaded.files, loaded.dirs, loaded.symlinks, loaded.others], [live.bytes, live.diskBytes, live.files, live.dirs, live.symlinks, live.others])
    sumsToTotals(t, loaded)
    t.deepEqual(loadScanSync(file, { groupBy: KEYS, time: 'mtime' }).groups, loaded.groups)
    const by = ['--json', '--by', 'extension', '--by', 'owner', '--by', 'age']
    const fromFile = cli(['-f', file, ...by])
    t.is(fromFile.status, 0, fromFile.stderr)
    const liveCli = cli([...by, root])
    t.deepEqual((JSON.parse(fromFile.stdout) as { groups: unknown }).groups, (JSON.parse(liveCli.stdout) as { groups: unknown }).groups)
  })
}

testIf(unix)('filters on a saved scan (dirsize -o -e) count what they count on the live scan', async (t) => {
  const file = save(filtered, 'filtered-e.json', 'dirsize -e')
  for (const c of filterCases) {
    // No `depth`: which directory counts d0/hard.bin or d5/s5000.bin (one inode) follows the
    // order of the walk, not an export's (load.spec.ts).
    const live = await dirsize(filtered, { filter: c.filter, groupBy: ['type', 'age'] })
    const loaded = await loadScan(file, { filter: c.filter, groupBy: ['type', 'age'] })
    const { roots: _l, ...l } = withoutTime(loaded)
    const { roots: _w, ...w } = withoutTime(live)
    t.deepEqual(l, w, JSON.stringify(c.filter))
    t.is(loaded.dirs, 0, 'directories are read, not counted')
    sumsToTotals(t, loaded)
  }
  const flags = ['--json', '--min-size', '4K', '--older-than', '2', '--by', 'type']
  const fromFile = cli(['-f', file, ...flags])
  t.is(fromFile.status, 0, fromFile.stderr)
  const { total: a, groups: ga } = JSON.parse(fromFile.stdout) as { total: Result; groups: unknown }
  const { total: b, groups: gb } = JSON.parse(cli([...flags, filtered]).stdout) as { total: Result; groups: unknown }
  t.deepEqual([a.bytes, a.diskBytes, a.files, a.symlinks, ga], [b.bytes, b.diskBytes, b.files, b.symlinks, gb])
})

testIf(unix)('filters choose what -o prints, not what it saves: the file holds every entry walked, and -f with the filters gives the filtered figures', async (t) => {
  const file = path.join(saves, 'saved-under-a-filter.json')
  const flags = ['--json', '--min-size', '4K', '--type', 'f']
  const saved = cli([...flags, '-e', '-o', file, filtered])
  t.is(saved.status, 0, saved.stderr)
  const whole = withoutTime(await loadScan(file))
  const { roots: _w, ...live } = withoutTime(await dirsize(filtered))
  const { roots: _l, ...loaded } = whole
  t.deepEqual(loaded, live, 'everything walked was saved')
  const { total: a } = JSON.parse(cli(['-f', file, ...flags]).stdout) as { total: Result }
  const { total: b } = JSON.parse(cli([...flags, filtered]).stdout) as { total: Result }
  t.deepEqual([a.bytes, a.diskBytes, a.files, a.dirs], [b.bytes, b.diskBytes, b.files, b.dirs])
  t.true(b.files < live.files, 'the filter left files out')
})

testIf(unix)('without the extended fields: owner, group, age and the time filters are refused naming the option and the file; the rest work', async (t) => {
  const file = save(filtered, 'filtered-plain.json', 'dirsize')
  const named = (option: string): RegExp => new RegExp(`^cannot load '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': ${option} \\([^)]+\\) needs each entry's \\w+, which this file does not save \\(.*-e`)
  for (const key of ['owner', 'group', 'age'] as const) {
    const e = await t.throwsAsync(loadScan(file, { groupBy: ['extension', key] }), { code: 'ERR_INVALID_SAVED_SCAN', message: named(`groupBy "${key}"`) })
    // The root, the first entry counted, is where the file falls short: its first byte.
    t.like(e, { line: 2, column: 1 })
  }
  t.throws(() => loadScanSync(file, { filter: { olderThan: 1 } }), { code: 'ERR_INVALID_SAVED_SCAN', message: named('filter\\.olderThan') })
  t.throws(() => loadScanSync(file, { filter: { newerThan: 1, minSize: 1 } }), { code: 'ERR_INVALID_SAVED_SCAN', message: named('filter\\.newerThan') })
  // The extension, the type and the sizes need no extended field; without `mode` a symlink
  // cannot be told from a fifo (ncdu's notreg): both are `other`, as the totals count them.
  const live = await dirsize(filtered, { groupBy: ['extension', 'type'], filter: { maxSize: 5000 } })
  const loaded = await loadScan(file, { groupBy: ['extension', 'type'], filter: { maxSize: 5000 } })
  const ext = (r: Result, key: string): Group | undefined => r.groups!.extension!.find((g) => g.key === key)
  t.deepEqual(ext(loaded, '.bin'), ext(live, '.bin'))
  t.deepEqual(loaded.groups!.extension!.map((g) => g.key), ['.bin', '(other)'])
  t.deepEqual(loaded.groups!.type!.map((g) => g.key), ['file', 'other'])
  t.is(ext(loaded, '(other)')!.files, live.symlinks + live.others)
  t.is(loaded.groups!.type![1]!.files, live.symlinks + live.others)
  sumsToTotals(t, loaded)
  const r = cli(['-f', file, '--by', 'owner'])
  t.is(r.status, 1)
  t.is(r.stdout, '', 'nothing before the error')
  t.regex(r.stderr, /groupBy "owner" \(--by owner\) needs each entry's uid/)
  t.is(r.stderr.trim().split('\n').length, 1)
})

test('time: a saved scan has only mtime', async (t) => {
  const file = path.join(saves, 'any.json')
  for (const time of ['atime', 'ctime']) {
    await t.throwsAsync(loadScan(file, { time: time as 'mtime' }), { instanceOf: TypeError, message: /^dirsize: time must be 'mtime' or absent for a saved scan/ })
    const r = cli(['-f', file, '--by', 'age', '--time', time])
    t.is(r.status, 2)
    t.is(r.stderr.split('\n')[0], `dirsize: -f: --time ${time}: a saved scan has only mtime`)
  }
})
