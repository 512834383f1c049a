/**
 * The TypeScript walker's worker threads (DIRSIZE_NATIVE=0, default settings): a small tree
 * and a caller's own fs use none, a large tree does; a later scan takes the idle ones, which
 * end when idle long enough; progress, abort and the event loop while workers walk; the
 * process exits by itself after a scan, an abort or an error, with workers idle.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import test from 'ava'

import type { Progress } from 'dirsize'

import { timerKeepsFiring } from './helpers/event-loop'
import { du, duBytes, manyFiles, repoRoot, rm, tempDir } from './helpers/trees'

// Set before the package loads (imports are hoisted above any statement; requires are not).
process.env.DIRSIZE_NATIVE = '0'
const { backend, dirsize } = require('dirsize') as typeof import('dirsize')
const getFolderSize = (require('dirsize/get-folder-size') as typeof import('dirsize/get-folder-size')).default
// The module instance the package itself loads (dist), so its counter is the one that moves.
const { workerStats } = require('../dist/src/walker/parallel') as typeof import('../dist/src/walker/parallel')

test('the TypeScript walker answers', (t) => {
  t.is(backend, 'typescript')
})

// Big enough that the walk goes to workers and lasts a while: /usr (130k entries here).
const big = '/usr'

test.serial('a 100-file tree is walked on the calling thread: no worker starts', async (t) => {
  const dir = tempDir()
  try {
    manyFiles(dir, 100)
    const before = workerStats()
    const r = await dirsize(dir)
    t.is(r.bytes, duBytes(dir))
    t.deepEqual(workerStats(), before)
  } finally {
    rm(dir)
  }
})

// Idle workers are kept up to one per core (the default scan's count), at most 8.
const cores = Math.min(os.availableParallelism(), 8)

test.serial('a large tree goes to workers, as many as threads asks; later scans take the idle ones', async (t) => {
  const first = workerStats()
  t.is(first.idle, 0, 'no scan went to workers before this one')
  const r = await dirsize(big, { threads: 2 })
  t.is(r.bytes, duBytes(big))
  const after = workerStats()
  t.is(after.handedOver - first.handedOver, 1)
  t.is(after.started - first.started, 2)
  t.is(after.idle, Math.min(2, cores), 'kept for the next scan')

  // The next scan starts only those it lacks.
  const again = await dirsize(big, { threads: 2 })
  t.is(again.bytes, r.bytes)
  t.is(workerStats().started, after.started + 2 - after.idle)
  const before3 = workerStats()
  const three = await dirsize(big, { threads: 3 })
  t.is(three.bytes, r.bytes)
  t.is(workerStats().started, before3.started + 3 - before3.idle)
  t.is(workerStats().idle, Math.min(3, cores))
})

test.serial('a scan with many threads leaves no more idle workers than there are cores (at most 8)', async (t) => {
  const r = await dirsize(big, { threads: 12 })
  t.is(r.bytes, duBytes(big))
  t.is(workerStats().idle, Math.min(12, cores))
})

test.serial("a caller's own fs is walked on the calling thread, however large the tree", async (t) => {
  const before = workerStats().handedOver
  type OwnFs = NonNullable<NonNullable<Parameters<typeof getFolderSize.loose>[1]>['fs']>
  const own = { lstat: fs.promises.lstat, readdir: fs.promises.readdir } as unknown as OwnFs
  const size = await getFolderSize.loose(big, { fs: own })
  t.true(size > 0)
  t.is(workerStats().handedOver, before)
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
  const before = workerStats().handedOver
  const idleBefore = workerStats().idle
  // Aborted from a progress call once the workers walk (past the calling thread's first
  // entries), however fast the machine walks.
  let at = 0
  const scan = dirsize(big, {
    threads: 2,
    signal: ac.signal,
    progressIntervalMs: 5,
    onProgress: (p) => {
      if (at === 0 && p.files > 5000 && workerStats().handedOver > before) {
        at = performance.now()
        ac.abort()
      }
    },
  })
  const e = await t.throwsAsync(scan)
  t.true(at > 0, 'aborted while the workers walked')
  t.is(e!.name, 'AbortError')
  const ms = performance.now() - at
  t.log(`rejected ${ms.toFixed(1)} ms after the abort`)
  t.true(ms < 100, `${ms} ms`)
  // A worker may still be in a sync call: the stopped scan's two end, not kept.
  t.is(workerStats().idle, Math.max(0, idleBefore - 2))
  const ok = await dirsize(big, { threads: 2 })
  t.is(ok.bytes, duBytes(big))
})

test.serial('a 10 ms timer keeps firing while workers walk', async (t) => {
  await timerKeepsFiring(t, () => dirsize(big, { threads: 2 }), 100)
})

const exits = [
  ['after a whole scan', `dirsize(${JSON.stringify(big)}, { onProgress() {} }).then((r) => console.log(r.files > 0))`],
  ['after an abort', `const ac = new AbortController(); setTimeout(() => ac.abort(), 150); dirsize(${JSON.stringify(big)}, { signal: ac.signal }).catch((e) => console.log(e.name === 'AbortError'))`],
  ['after a progress callback threw', `dirsize(${JSON.stringify(big)}, { progressIntervalMs: 20, onProgress(p) { if (p.files > 0 && p.files < 1e9) throw new Error('x') } }).catch((e) => console.log(e.message === 'x'))`],
  // The second scan walks on workers the first left idle (unref'd): they must hold the
  // process open again while it walks, or it would end with nothing printed.
  ['after two scans in a row', `dirsize(${JSON.stringify(big)}).then((a) => dirsize(${JSON.stringify(big)}).then((b) => console.log(a.bytes === b.bytes && require('./dist/src/walker/parallel').workerStats().started === 8)))`],
] as const

for (const [when, body] of exits) {
  test(`a script on the TypeScript walker exits by itself ${when}`, (t) => {
    const script = `const { dirsize } = require('dirsize'); ${body}`
    // Idle workers are kept far longer than the timeout: only unref'd do they let it end.
    const env = { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_SERIAL: '0', DIRSIZE_TS_WORKERS: '8', DIRSIZE_TS_IDLE_MS: '600000' }
    const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env })
    t.is(r.signal, null, 'killed by the timeout: it did not exit by itself')
    t.is(r.status, 0, r.stderr)
    t.is(r.stdout.trim(), 'true')
  })
}

test('a worker that dies while its scan holds it between two roots is not kept: the next scan is whole', (t) => {
  // The second root holds the first, so it is walked again serially (async) on the calling
  // thread, while the scan holds its workers listening for nothing: one is ended then.
  const nm = path.join(repoRoot, 'node_modules')
  const script = `
    const wt = require('node:worker_threads'); const all = []
    wt.Worker = class extends wt.Worker { constructor(...a) { super(...a); all.push(this) } }
    const p = require('./dist/src/walker/parallel'); const { dirsize } = require('dirsize')
    const before = p.workerStats().handedOver
    let killed = false
    const poll = setInterval(() => {
      const live = all.filter((w) => w.threadId >= 0)
      if (!killed && p.workerStats().handedOver >= before + 2 && live.length > 0 && live.every((w) => w.listenerCount('message') === 0)) {
        killed = true
        live[0].terminate()
      }
    }, 1)
    dirsize([${JSON.stringify(path.join(nm, 'es-toolkit'))}, ${JSON.stringify(nm)}], { threads: 2 }).then(async () => {
      clearInterval(poll)
      await new Promise((r) => setTimeout(r, 100))
      const hung = setTimeout(() => { console.log('hung'); process.exit(3) }, 30000)
      const r = await dirsize(${JSON.stringify(nm)}, { threads: 2 })
      clearTimeout(hung)
      console.log(killed, r.bytes)
    })`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_SERIAL: '0' } })
  t.is(r.status, 0, r.stdout + r.stderr)
  t.is(r.stdout.trim(), `true ${duBytes(nm)}`)
})

test('idle workers end after DIRSIZE_TS_IDLE_MS; a scan after that starts new ones', (t) => {
  const script = `const p = require('./dist/src/walker/parallel'); const { dirsize } = require('dirsize')
    dirsize(${JSON.stringify(big)}, { threads: 2 }).then(() => {
      const kept = p.workerStats().idle
      setTimeout(() => dirsize(${JSON.stringify(big)}, { threads: 2 }).then(() => console.log(kept, p.workerStats().started)), 1000)
    })`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_IDLE_MS: '200', DIRSIZE_TS_WORKERS: '2' } })
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), '2 4')
})

test('the bench and the tests can force every tree onto the workers (DIRSIZE_TS_SERIAL=0)', (t) => {
  const dir = path.join(repoRoot, 'src')
  const script = `const p = require('./dist/src/walker/parallel'); require('dirsize').dirsize(${JSON.stringify(dir)}).then((r) => console.log(p.workerStats().handedOver > 0, r.bytes))`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DIRSIZE_NATIVE: '0', DIRSIZE_TS_SERIAL: '0' } })
  t.is(r.status, 0, r.stderr)
  t.is(r.stdout.trim(), `true ${duBytes(dir)}`)
})

test.serial('several roots on workers: each as du sizes it; a root reaching a directory counted before is walked again, as du', async (t) => {
  const nm = path.join(repoRoot, 'node_modules')
  const apart = [path.join(nm, 'es-toolkit'), path.join(nm, '@jsonjoy.com')]
  const before = workerStats().handedOver
  const r = await dirsize(apart, { threads: 2 })
  t.deepEqual(r.roots!.map((x) => x.bytes), du(['-sb'], apart))
  t.true(workerStats().handedOver > before, 'the roots went to workers')
  // The second root holds the first: du counts it in the first only, and so must a walk whose
  // workers met it again (the root is undone and walked serially).
  const overlapping = [path.join(nm, 'es-toolkit'), nm]
  const o = await dirsize(overlapping, { threads: 2, depth: 1 })
  t.deepEqual(o.roots!.map((x) => x.bytes), du(['-sb'], overlapping))
  t.is(o.tree!.find((e) => e.path === nm)!.bytes, du(['-sb'], overlapping)[1])
})
