/** Progress, abort, the event loop, bad input, missing roots, entry points, permissions. */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { backend, dirsize, dirsizeSync, type Progress } from 'dirsize'

import { timerKeepsFiring } from './helpers/event-loop'
import { caps, testIf } from './helpers/platform'
import { duBytes, manyFiles, nobody, repoRoot, rm, tempDir } from './helpers/trees'

// A tree big enough that a scan lasts a while: /usr on these machines (130k entries).
const big = '/usr'

test('backend is native', (t) => {
  t.is(backend, 'native')
})

test.serial('progress: monotonic counters, and the final call equals the result', async (t) => {
  const seen: Progress[] = []
  const r = await dirsize(big, { threads: 1, progressIntervalMs: 5, onProgress: (p) => seen.push(p) })
  t.true(seen.length >= 2, `${seen.length} progress calls`)
  for (let i = 1; i < seen.length; i++) {
    for (const k of ['files', 'dirs', 'bytes', 'diskBytes', 'errors', 'elapsedMs'] as const) {
      t.true(seen[i]![k] >= seen[i - 1]![k], `${k} went down`)
    }
  }
  const last = seen.at(-1)!
  t.is(last.files, r.files)
  t.is(last.dirs, r.dirs)
  t.is(last.bytes, r.bytes)
  t.is(last.diskBytes, r.diskBytes)
  t.is(last.errors, r.errorCount)
})

test('progress of a small tree: still the one final call', async (t) => {
  const seen: Progress[] = []
  const r = await dirsize(path.join(repoRoot, 'src'), { onProgress: (p) => seen.push(p) })
  t.true(seen.length >= 1)
  t.is(seen.at(-1)!.bytes, r.bytes)
})

test.serial('abort rejects with AbortError within 100 ms, and the next scan is unaffected', async (t) => {
  const ac = new AbortController()
  const scan = dirsize(big, { threads: 1, signal: ac.signal })
  await new Promise((r) => setTimeout(r, 20))
  const at = performance.now()
  ac.abort()
  const e = await t.throwsAsync(scan)
  t.is(e!.name, 'AbortError')
  t.true(performance.now() - at < 100)
  const ok = await dirsize(path.join(repoRoot, 'src'))
  t.true(ok.files > 0)
})

test('an already aborted signal rejects at once', async (t) => {
  const e = await t.throwsAsync(dirsize(big, { signal: AbortSignal.abort() }))
  t.is(e!.name, 'AbortError')
  t.is((e as Error & { code: string }).code, 'ABORT_ERR')
})

test.serial('a 10 ms timer keeps firing during a long scan', async (t) => {
  await timerKeepsFiring(t, () => dirsize(big, { threads: 1 }), 50)
})

test('a script that scans with a progress callback exits by itself', (t) => {
  const script = `require('dirsize').dirsize(${JSON.stringify(big)}, { onProgress() {} }).then((r) => console.log(r.files > 0))`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), 'true')
})

test('ESM import and CommonJS require both work', (t) => {
  const esm = spawnSync(process.execPath, ['--input-type=module', '-e',
    "import d, { dirsize, dirsizeSync, backend } from 'dirsize'; console.log(typeof d, typeof dirsize, typeof dirsizeSync, backend)"],
  { cwd: repoRoot, encoding: 'utf8' })
  t.is(esm.stdout.trim(), 'function function function native', esm.stderr)
  const cjs = spawnSync(process.execPath, ['-e',
    "const m = require('dirsize'); console.log(typeof m.dirsize, typeof m.default, m.dirsizeSync(__filename === undefined ? '.' : '.').files > 0)"],
  { cwd: repoRoot, encoding: 'utf8' })
  t.is(cjs.stdout.trim(), 'function function true', cjs.stderr)
})

test('a missing root rejects with ENOENT', async (t) => {
  const e = await t.throwsAsync(dirsize('/does/not/exist'))
  t.is((e as NodeJS.ErrnoException).code, 'ENOENT')
  t.is((e as NodeJS.ErrnoException).path, '/does/not/exist')
  t.true(e instanceof Error)
  t.throws(() => dirsizeSync('/does/not/exist'), { code: 'ENOENT' })
})

test('with several roots a missing one is an error of that root, the others are counted', async (t) => {
  const src = path.join(repoRoot, 'src')
  const r = await dirsize(['/does/not/exist', src])
  t.is(r.roots![0]!.errors[0]!.code, 'ENOENT')
  t.is(r.roots![0]!.bytes, 0)
  t.is(r.roots![1]!.bytes, duBytes(src))
  t.is(r.errorCount, 1)
})

test('strict rejects on the first error', async (t) => {
  const e = await t.throwsAsync(dirsize(['/does/not/exist'], { strict: true }))
  t.is((e as NodeJS.ErrnoException).code, 'ENOENT')
})

const bad: Array<[string, unknown, unknown, typeof TypeError | typeof RangeError, RegExp]> = [
  ['path not a string', 42, undefined, TypeError, /path/],
  ['empty path', '', undefined, TypeError, /path/],
  ['path with NUL', 'a\0b', undefined, TypeError, /path/],
  ['empty array of paths', [], undefined, TypeError, /paths/],
  ['array with a non-string', ['.', 3], undefined, TypeError, /paths\[1\]/],
  ['options not an object', '.', 'fast', TypeError, /options/],
  ['unknown option', '.', { thread: 2 }, TypeError, /unknown option "thread"/],
  ['negative threads', '.', { threads: -1 }, RangeError, /threads/],
  ['zero threads', '.', { threads: 0 }, RangeError, /threads/],
  ['fractional threads', '.', { threads: 1.5 }, RangeError, /threads/],
  ['threads as a string', '.', { threads: '2' }, TypeError, /threads/],
  ['depth not an integer', '.', { depth: 1.5 }, RangeError, /depth/],
  ['negative depth', '.', { depth: -1 }, RangeError, /depth/],
  ['top not a number', '.', { top: 'ten' }, TypeError, /top/],
  ['exclude not an array', '.', { exclude: '*.log' }, TypeError, /exclude/],
  ['exclude with a non-string', '.', { exclude: [1] }, TypeError, /exclude/],
  ['ignore not a RegExp', '.', { ignore: '*.log' }, TypeError, /ignore/],
  ['onProgress not a function', '.', { onProgress: 1 }, TypeError, /onProgress/],
  ['signal not an AbortSignal', '.', { signal: {} }, TypeError, /signal/],
  ['bigint not a boolean', '.', { bigint: 'yes' }, TypeError, /bigint/],
]

for (const [name, p, o, type, re] of bad) {
  test(`bad input: ${name}`, async (t) => {
    const call = dirsize as unknown as (p: unknown, o: unknown) => Promise<unknown>
    const e = await t.throwsAsync(call(p, o), { instanceOf: type })
    t.regex(e!.message, re)
    const sync = dirsizeSync as unknown as (p: unknown, o: unknown) => unknown
    t.throws(() => sync(p, o), { instanceOf: type })
  })
}

testIf(caps.asNobody)('unreadable directory, as an unprivileged user: du\'s total and an EACCES error', (t) => {
  const dir = tempDir()
  try {
    manyFiles(path.join(dir, 'open'), 10)
    manyFiles(path.join(dir, 'closed'), 10)
    fs.chmodSync(path.join(dir, 'closed'), 0o700) // owned by root: nobody cannot read it
    const script = `const r = require('dirsize').dirsizeSync(${JSON.stringify(dir)}); console.log(JSON.stringify(r))`
    const out = execFileSync(nobody[0]!, [...nobody.slice(1), process.execPath, '-e', script], { cwd: repoRoot, encoding: 'utf8' })
    const r = JSON.parse(out) as { bytes: number; diskBytes: number; errors: Array<{ path: string; code: string }> }
    const asNobody = (flags: string[]): number => {
      const res = spawnSync(nobody[0]!, [...nobody.slice(1), 'du', ...flags, dir], { encoding: 'utf8' })
      return Number(res.stdout.split('\t')[0])
    }
    t.is(r.bytes, asNobody(['-sb']))
    t.is(r.diskBytes, asNobody(['-s', '-B1']))
    t.deepEqual(r.errors.map((e) => [e.path, e.code]), [[path.join(dir, 'closed'), 'EACCES']])
  } finally {
    rm(dir)
  }
})
