/**
 * `diff` and `dirsize diff`: a tree changed between two scans (files added, removed and
 * grown, a directory renamed, one added deeper than the depth) reports exactly those changes,
 * whether a side is a saved scan or a live path, and whatever path the new root has.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { diff, type DiffResult } from 'dirsize'

import { caps, testIf } from './helpers/platform'
import { repoRoot, rm, tempDir } from './helpers/trees'

const bin = path.join(repoRoot, 'bin', 'dirsize.js')
const dir = tempDir('dirsize-diff-')
test.after.always(() => rm(dir))

const t = path.join(dir, 't')
const w = (p: string, size: number): void => fs.writeFileSync(path.join(t, p), Buffer.alloc(size, 1))
for (const d of ['keep', 'old', 'grow/sub']) fs.mkdirSync(path.join(t, d), { recursive: true })
w('keep/a', 10)
w('old/x', 5000)
w('grow/f', 100)
w('grow/gone', 7)
w('grow/sub/s', 3)

function ncdu(root: string, out: string): string {
  fs.writeFileSync(out, execFileSync('ncdu', ['--ignore-config', '-e', '-o', '-', root], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, HOME: dir } }))
  return out
}

const before = caps.ncdu ? ncdu(t, path.join(dir, 'before.json')) : ''
// The changes: a directory renamed, a file grown, one removed, one added, a directory added
// below the depth asked for (its parent changes).
if (caps.ncdu) {
  fs.renameSync(path.join(t, 'old'), path.join(t, 'new'))
  fs.appendFileSync(path.join(t, 'grow/f'), Buffer.alloc(200_000, 2))
  fs.rmSync(path.join(t, 'grow/gone'))
  w('grow/added', 3)
  fs.mkdirSync(path.join(t, 'grow/sub/deep'))
  w('grow/sub/deep/d', 1)
}

/** The entries as (path below the root, status, kind), sorted, and the byte change of each file. */
function shape(d: DiffResult<bigint>) {
  const rel = (p: string): string => {
    for (const root of [d.old.path, d.new.path]) if (p === root || p.startsWith(`${root}/`)) return p.slice(root.length + 1)
    return p
  }
  return {
    entries: d.entries.map((e) => `${e.status} ${e.kind} ${rel(e.path) || '.'}`).sort(),
    files: Object.fromEntries(d.entries.filter((e) => e.kind === 'file').map((e) => [rel(e.path), e.change.bytes])),
  }
}

const expected = {
  entries: [
    'added dir new', 'added file grow/added', 'added file new/x',
    'changed dir .', 'changed dir grow', 'changed dir grow/sub', 'changed file grow/f',
    'removed dir old', 'removed file grow/gone', 'removed file old/x',
  ],
  files: { 'grow/added': 3n, 'new/x': 5000n, 'grow/f': 200_000n, 'grow/gone': -7n, 'old/x': -5000n },
}

testIf(caps.ncdu)('a saved scan against the live tree: exactly the files added, removed and grown, and the rename', async (tt) => {
  const d = await diff(before, t, { bigint: true })
  tt.deepEqual(shape(d), expected)
  tt.true(d.old.saved)
  tt.false(d.new.saved)
  tt.is(d.change.bytes, d.new.bytes - d.old.bytes)
  tt.is(d.change.files, 1n)
  // Largest absolute change in disk usage first.
  const abs = (v: bigint): bigint => (v < 0n ? -v : v)
  for (let i = 1; i < d.entries.length; i++) tt.true(abs(d.entries[i - 1]!.change.diskBytes) >= abs(d.entries[i]!.change.diskBytes))
})

testIf(caps.ncdu)('two saved scans, and a new root at another path: the same changes', async (tt) => {
  const after = ncdu(t, path.join(dir, 'after.json'))
  tt.deepEqual(shape(await diff(before, after, { bigint: true })), expected)
  const moved = path.join(dir, 'moved')
  execFileSync('cp', ['-a', t, moved])
  const d = await diff(before, moved, { bigint: true })
  tt.deepEqual(shape(d), expected)
  tt.true(d.entries.some((e) => e.path === path.join(moved, 'new/x')))
  tt.true(d.entries.some((e) => e.path === path.join(t, 'old/x') && e.status === 'removed'))
  // Depth 1: the files and directories below it are folded into their parents.
  tt.deepEqual(shape(await diff(before, after, { bigint: true, depth: 1 })).entries, ['added dir new', 'changed dir .', 'changed dir grow', 'removed dir old'])
  // Nothing changed: no entry, zero change.
  const same = await diff(after, after)
  tt.deepEqual(same.entries, [])
  tt.is(same.change.bytes, 0)
})

testIf(caps.ncdu)('dirsize diff: text lines, --json and --ndjson agree with the API; bad usage exits 2', async (tt) => {
  const run = (args: string[]) => spawnSync(process.execPath, [bin, 'diff', ...args], { encoding: 'utf8' })
  const text = run(['-b', before, t])
  tt.is(text.status, 0, text.stderr)
  const lines = text.stdout.trim().split('\n')
  tt.regex(lines[0]!, /^\+\d+\t\+\d\tchanged\t/)
  tt.true(lines.includes(`-5000\t-1\tremoved\t${path.join(t, 'old/x')}`))
  tt.true(lines.includes(`+5000\t+1\tadded\t${path.join(t, 'new/x')}`))
  tt.regex(lines.at(-1)!, /^\+\d+\t\+1\ttotal$/)
  const d = await diff(before, t, { bigint: true })
  const json = JSON.parse(run(['--json', before, t]).stdout) as { entries: Array<{ path: string; status: string }>; change: { files: number } }
  tt.deepEqual(json.entries.map((e) => `${e.status} ${e.path}`).sort(), d.entries.map((e) => `${e.status} ${e.path}`).sort())
  tt.is(json.change.files, 1)
  const nd = run(['--ndjson', before, t]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  tt.is(nd.length, d.entries.length + 1)
  tt.truthy(nd.at(-1)!.change)
  const html = path.join(dir, 'growth.html')
  const h = run(['--html', html, before, t])
  tt.is(h.status, 0, h.stderr)
  tt.regex(fs.readFileSync(html, 'utf8'), /"name":"grow","kind":"dir"/)
  for (const bad of [[before], ['--json', '--ndjson', before, t], ['-d', 'x', before, t], ['--bogus', before, t]]) {
    const r = run(bad)
    tt.is(r.status, 2, bad.join(' '))
    tt.regex(r.stderr, /Usage: dirsize diff/)
  }
  // A damaged saved scan: exit 1, nothing on stdout.
  const cut = path.join(dir, 'cut.json')
  fs.writeFileSync(cut, fs.readFileSync(before).subarray(0, 100))
  const c = run([cut, t])
  tt.is(c.status, 1)
  tt.is(c.stdout, '')
  tt.regex(c.stderr, /cannot load '.*cut\.json': .* at byte \d+/)
})

test('diff refuses bad options, naming them', async (tt) => {
  await tt.throwsAsync(diff('a', 'b', { depth: -1 }), { instanceOf: RangeError, message: /depth/ })
  await tt.throwsAsync(diff('a', 'b', { exclude: [] } as never), { instanceOf: TypeError, message: /exclude/ })
  await tt.throwsAsync(diff('', 'b'), { instanceOf: TypeError, message: /\bold\b/ })
})
