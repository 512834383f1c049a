/**
 * The TypeScript walker's worker threads (DIRSIZE_NATIVE=0, default settings): a small tree
 * and a caller's own fs start none, a large tree does; progress, abort and the event loop
 * while workers walk; the process exits by itself after a scan, an abort or an error.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import type { Progress } from 'dirsize'

import { du, duBytes, manyFiles, repoRoot, rm, tempDir } from './helpers/trees'

// Set before the package loads (imports are hoisted above any statement; requires are not).
process.env.DIRSIZE_NATIVE = '0'
const { backend, dirsize } = require('dirsize') as typeof import('dirsize')
const getFolderSize = (require('dirsize/get-folder-size') as typeof import('dirsize/get-folder-size')).default
// The module instance the package itself loads (dist), so its counter is the one that moves.
const { workersStarted } = require('../dist/src/walker/parallel') as typeof import('../dist/src/walker/parallel')

test('the TypeScript walker answers', (t) => {
  t.is(backend, 'typescript')
})

// Big enough that the walk goes to workers and lasts a while: /usr (130k entries here).
const big = '/usr'

test.serial('a 100-file tree is walked on the calling thread: no worker starts', async (t) => {
  const dir = tempDir()
  try {
    manyFiles(dir, 100)
    const before = workersStarted()
    const r = await dirsize(dir)
    t.is(r.bytes, duBytes(dir))
    t.is(workersStarted(), before)
  } finally {
    rm(dir)
  }
})

test.serial('a large tree starts workers, as many as threads asks', async (t) => {
  const before = workersStarted()
  const r = await dirsize(big, { threads: 2 })
  t.is(r.bytes, duBytes(big))
  t.is(workersStarted() - before, 2)
})

test.serial("a caller's own fs is walked on the calling thread, however large the tree", async (t) => {
  const before = workersStarted()
  type OwnFs = NonNullable<NonNullable<Parameters<typeof getFolderSize.loose>[1]>['fs']>
  const own = { lstat: fs.promises.lstat, readdir: fs.promises.readdir } as unknown as OwnFs
  const size = await getFolderSize.loose(big, { fs: own })
  t.true(size > 0)
  t.is(workersStarted(), before)
})

test.serial('progress while workers walk: monotonic, and the final call equals the result', async (t) => {
  const seen: Progress[] = []
  const r = await dirsize(big, { threads: 2, progressIntervalMs: 5, onProgress: (p) => seen.push(p) })
  t.true(seen.length >= 3, `${seen.length} progress calls`)
  for (let i = 1; i < seen.length; i++) {
    for (const k of ['files', 'dirs', 'bytes', 'diskBytes', 'errors', 'elapsedMs'] as const) {
      t.true(seen[i]![k] >= seen[i - 1]![k], `${k} went down`)
    }
  }
  // Before the final call, counts past what the calling thread walks itself (2,000 entries):
  // the workers' counts arrive while they walk.
  t.true(seen.slice(0, -1).some((p) => p.files > 2000), `${seen.map((p) => p.files)}`)
  const last = seen.at(-1)!
  t.is(last.files, r.files)
  t.is(last.bytes, r.bytes)
  t.is(last.errors, r.errorCount)
})

test.serial('abort while workers walk rejects with AbortError within 100 ms; the next scan is whole', async (t) => {
  const ac = new AbortController()
  const before = workersStarted()
  const scan = dirsize(big, { threads: 2, signal: ac.signal })
  // Past the calling thread's first entries: the workers are walking.
  await new Promise((r) => setTimeout(r, 150))
  t.true(workersStarted() > before, 'the workers had started')
  const at = performance.now()
  ac.abort()
  const e = await t.throwsAsync(scan)
  t.is(e!.name, 'AbortError')
  const ms = performance.now() - at
  t.log(`rejected ${ms.toFixed(1)} ms after the abort`)
  t.true(ms < 100, `${ms} ms`)
  const ok = await dirsize(big, { threads: 2 })
  t.is(ok.bytes, duBytes(big))
})

test.serial('a 10 ms timer keeps firing while workers walk', async (t) => {
  let ticks = 0
  const timer = setInterval(() => ticks++, 10)
  const started = performance.now()
  await dirsize(big, { threads: 2 })
  const elapsed = performance.now() - started
  clearInterval(timer)
  t.log(`${ticks} ticks in ${elapsed.toFixed(0)} ms`)
  t.true(elapsed > 100, 'the scan was long enough to tell')
  t.true(ticks >= (elapsed / 10) * 0.5, `${ticks} ticks in ${elapsed} ms`)
})

const exits = [
  ['after a whole scan', `dirsize(${JSON.stringify(big)}, { onProgress() {} }).then((r) => console.log(r.files > 0))`],
  ['after an abort', `const ac = new AbortController(); setTimeout(() => ac.abort(), 150); dirsize(${JSON.stringify(big)}, { signal: ac.signal }).catch((e) => console.log(e.name === 'AbortError'))`],
  ['after a progress callback threw', `dirsize(${JSON.stringify(big)}, { progressIntervalMs: 20, onProgress(p) { if (p.files > 0 && p.files < 1e9) throw new Error('x') } }).catch((e) => console.log(e.message === 'x'))`],
] as const

for (const [when, body] of exits) {
  test(`a script on the TypeScript walker exits by itself ${when}`, (t) => {
    const script = `const { dirsize } = require('dirsize'); ${body}`
    const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_SERIAL: '0' } })
    t.is(r.signal, null, 'killed by the timeout: it did not exit by itself')
    t.is(r.status, 0, r.stderr)
    t.is(r.stdout.trim(), 'true')
  })
}

test('the bench and the tests can force every tree onto the workers (DIRSIZE_TS_SERIAL=0)', (t) => {
  const dir = path.join(repoRoot, 'src')
  const script = `const p = require('./dist/src/walker/parallel'); require('dirsize').dirsize(${JSON.stringify(dir)}).then((r) => console.log(p.workersStarted() > 0, r.bytes))`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_SERIAL: '0' } })
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), `true ${duBytes(dir)}`)
})

test.serial('several roots on workers: each as du sizes it; a root reaching a directory counted before is walked again, as du', async (t) => {
  const nm = path.join(repoRoot, 'node_modules')
  const apart = [path.join(nm, 'es-toolkit'), path.join(nm, '@jsonjoy.com')]
  const before = workersStarted()
  const r = await dirsize(apart, { threads: 2 })
  t.deepEqual(r.roots!.map((x) => x.bytes), du(['-sb'], apart))
  t.true(workersStarted() > before, 'the roots went to workers')
  // The second root holds the first: du counts it in the first only, and so must a walk whose
  // workers met it again (the root is undone and walked serially).
  const overlapping = [path.join(nm, 'es-toolkit'), nm]
  const o = await dirsize(overlapping, { threads: 2, depth: 1 })
  t.deepEqual(o.roots!.map((x) => x.bytes), du(['-sb'], overlapping))
  t.is(o.tree!.find((e) => e.path === nm)!.bytes, du(['-sb'], overlapping)[1])
})
