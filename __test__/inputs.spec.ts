/**
 * What the API takes: Buffer roots (names that are not UTF-8), odd arrays and getters, numbers
 * at their limits, and a progress callback that is slow or throws. Runs once per backend
 * (walker-typescript.spec.ts requires it with DIRSIZE_NATIVE=0).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { backend, dirsize, dirsizeSync, type Progress, type Result } from 'dirsize'

import { caps, serialIf, testIf } from './helpers/platform'
import { duBytes, repoRoot, rm, tempDir } from './helpers/trees'

const base = tempDir()
test.after.always(() => rm(base))

function bytes(...parts: Array<string | Buffer | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))
}

// A root named by bytes that are not UTF-8, with such names inside too.
const badRoot = bytes(base, '/root-', [0xff, 0xfe])
const badSub = bytes(badRoot, '/sub-', [0xc3])
const plain = path.join(base, 'plain')
if (caps.nonUtf8Names) {
  fs.mkdirSync(badSub, { recursive: true })
  fs.writeFileSync(bytes(badSub, '/f'), Buffer.alloc(5000, 1))
  fs.writeFileSync(bytes(badRoot, '/g-', [0x80]), Buffer.alloc(123, 2))
}
fs.mkdirSync(plain)
fs.writeFileSync(path.join(plain, 'p'), Buffer.alloc(777, 3))

/** du's first column for each root, the roots passed as exact bytes (NUL-separated on stdin). */
function duOf(flags: string[], roots: Buffer[]): number[] {
  const input = Buffer.concat(roots.flatMap((r) => [r, Buffer.from([0])]))
  const out = execFileSync('du', [...flags, '--files0-from=-'], { input })
  return out.toString('latin1').trim().split('\n').map((l) => Number(l.split('\t')[0]))
}

/** The same call through dirsize and dirsizeSync. */
async function both(p: unknown, o?: unknown): Promise<Array<Result<number>>> {
  const call = dirsize as unknown as (p: unknown, o: unknown) => Promise<Result<number>>
  const sync = dirsizeSync as unknown as (p: unknown, o: unknown) => Result<number>
  return [await call(p, o), sync(p, o)]
}

const nonUtf8 = testIf(caps.nonUtf8Names && caps.gnuDu)

nonUtf8('a root named by bytes that are not UTF-8, given as a Buffer, is sized as du sizes it', async (t) => {
  for (const r of await both(badRoot, { depth: 1, top: 5 })) {
    t.is(r.bytes, duOf(['-sb'], [badRoot])[0])
    t.is(r.diskBytes, duOf(['-s', '-B1'], [badRoot])[0])
    t.is(r.files, 2)
    t.is(r.dirs, 2)
    t.is(r.errorCount, 0)
    // The tree and the top list carry the exact bytes of every path below the root.
    const [sub, root] = r.tree!
    t.deepEqual(root!.pathBuffer, badRoot)
    t.is(root!.path, badRoot.toString('utf8'))
    t.deepEqual(sub!.pathBuffer, badSub)
    t.is(sub!.bytes, duOf(['-sb'], [badSub])[0])
    t.deepEqual(r.largest!.map((f) => f.pathBuffer), [bytes(badSub, '/f'), bytes(badRoot, '/g-', [0x80])])
  }
})

nonUtf8('several roots, Buffers and strings mixed: each root as du sizes it, in order', async (t) => {
  const roots = [badRoot, plain, Buffer.from(path.join(base, 'missing'))]
  for (const r of await both(roots)) {
    t.deepEqual(r.roots!.map((x) => x.bytes), [...duOf(['-sb'], roots.slice(0, 2).map((x) => Buffer.from(x))), 0])
    t.deepEqual(r.roots!.map((x) => x.path), [badRoot.toString('utf8'), plain, path.join(base, 'missing')])
    // pathBuffer only where the UTF-8 reading is lossy.
    t.deepEqual(r.roots!.map((x) => x.pathBuffer), [badRoot, undefined, undefined])
    t.is(r.roots![2]!.rootError!.code, 'ENOENT')
    t.is(r.bytes, r.roots![0]!.bytes + r.roots![1]!.bytes)
  }
})

nonUtf8('a missing root given as bytes: ENOENT, with its exact bytes where the path is listed', async (t) => {
  const missing = bytes(base, '/gone-', [0xff])
  const e = await t.throwsAsync(dirsize(missing))
  t.is((e as NodeJS.ErrnoException).code, 'ENOENT')
  t.is((e as NodeJS.ErrnoException).path, missing.toString('utf8'))
  t.throws(() => dirsizeSync(missing), { code: 'ENOENT' })
  for (const r of await both([missing, plain])) {
    t.deepEqual(r.roots![0]!.rootError!.pathBuffer, missing)
    t.deepEqual(r.errors[0]!.pathBuffer, missing)
  }
})

nonUtf8('the caller may reuse its Buffer while the scan runs: the root is copied', async (t) => {
  const given = Buffer.from(badRoot)
  const pending = dirsize(given)
  given.fill(0x41)
  t.is((await pending).bytes, duOf(['-sb'], [badRoot])[0])
})

test('a Buffer of UTF-8 bytes, or any Uint8Array, is the same root as the string', async (t) => {
  const want = duBytes(plain)
  for (const root of [Buffer.from(plain), new Uint8Array(Buffer.from(plain))]) {
    for (const r of await both(root, { depth: 0 })) {
      t.is(r.bytes, want)
      t.deepEqual(r.tree!.map((e) => [e.path, e.pathBuffer]), [[plain, undefined]])
    }
  }
})

type Case = [name: string, path: () => unknown, options: () => unknown, message: RegExp]

const throwing = (e: unknown) => () => {
  throw e
}

const odd: Case[] = [
  ['a Buffer with a NUL byte', () => Buffer.from('a\0b'), () => undefined, /^dirsize: path must be a Buffer without null bytes/],
  ['a Buffer with a NUL byte in an array', () => ['.', Buffer.from('a\0b')], () => undefined, /^dirsize: paths\[1\] must be a Buffer without null bytes/],
  ['an empty Buffer', () => Buffer.alloc(0), () => undefined, /^dirsize: path must be a non-empty Buffer/],
  ['a hole in paths', () => ['.', , '.'], () => undefined, /^dirsize: paths\[1\] must be a string or a Buffer, got an empty slot/],
  ['undefined in paths', () => [undefined], () => undefined, /^dirsize: paths\[0\] must be a string or a Buffer, got undefined/],
  ['a hole in exclude', () => '.', () => ({ exclude: [, 'a'] }), /^dirsize: exclude\[0\] must be a string, got an empty slot/],
  ['a number in exclude', () => '.', () => ({ exclude: ['a', 1] }), /^dirsize: exclude\[1\] must be a string, got 1/],
  ['an array-like as paths', () => ({ length: 1, 0: '.' }), () => undefined, /^dirsize: path must be a string or a Buffer, or an array of them/],
  ['a Set as paths', () => new Set(['.']), () => undefined, /^dirsize: path must be a string or a Buffer, or an array of them, got an instance of Set/],
  ['a Set as exclude', () => '.', () => ({ exclude: new Set(['a']) }), /^dirsize: exclude must be an array of strings, got an instance of Set/],
  ['a getter that throws in paths', () => Object.defineProperty(['.'], 0, { get: throwing(new Error('boom')) }), () => undefined,
    /^dirsize: paths\[0\] could not be read: boom/],
  ['a getter that throws a non-Error in exclude', () => '.', () => ({ exclude: Object.defineProperty([], 0, { get: throwing(42), enumerable: true }) }),
    /^dirsize: exclude\[0\] could not be read: 42/],
  ['a Proxy array whose length throws', () => new Proxy(['.'], { get: (a, k) => (k === 'length' ? throwing(new Error('no length'))() : Reflect.get(a, k)) }),
    () => undefined, /^dirsize: paths could not be read: no length/],
  ['an option whose getter throws', () => '.', () => ({ get threads() { return throwing(new Error('no threads'))() } }),
    /^dirsize: threads could not be read: no threads/],
  ['options whose keys cannot be listed', () => '.', () => new Proxy({}, { ownKeys: throwing(new Error('no keys')) }),
    /^dirsize: options could not be read: no keys/],
]

for (const [name, p, o, message] of odd) {
  test(`odd input, a TypeError naming the option: ${name}`, async (t) => {
    const call = dirsize as unknown as (p: unknown, o: unknown) => Promise<unknown>
    const sync = dirsizeSync as unknown as (p: unknown, o: unknown) => unknown
    const e = await t.throwsAsync(call(p(), o()), { instanceOf: TypeError })
    t.regex(e!.message, message)
    t.regex(t.throws(() => sync(p(), o()), { instanceOf: TypeError })!.message, message)
  })
}

test('each path and option is read once: a getter cannot pass the check with one value and scan another', async (t) => {
  for (const run of [(p: unknown, o: unknown) => dirsize(p as string, o as object), (p: unknown, o: unknown) => Promise.resolve(dirsizeSync(p as string, o as object))]) {
    let pathReads = 0
    let excludeReads = 0
    const paths = Object.defineProperty([], 0, { enumerable: true, get: () => (pathReads++ === 0 ? plain : 42) })
    const options = { get exclude() { return excludeReads++ === 0 ? ['p'] : [1] } }
    const r = await run(paths, options)
    t.is(pathReads, 1)
    t.is(excludeReads, 1)
    t.is(r.files, 0) // plain's one file is excluded
  }
})

test('progressIntervalMs: Node\'s longest timer at most; the longest runs no tick and warns nothing', async (t) => {
  const call = dirsize as unknown as (p: unknown, o: unknown) => Promise<unknown>
  const e = await t.throwsAsync(call('.', { progressIntervalMs: 2 ** 31, onProgress() {} }), { instanceOf: RangeError })
  t.regex(e!.message, /progressIntervalMs must be an integer from 1 to 2147483647/)
  const warnings: Error[] = []
  const onWarning = (w: Error): number => warnings.push(w)
  process.on('warning', onWarning)
  try {
    const seen: Progress[] = []
    const r = await dirsize(plain, { progressIntervalMs: 2 ** 31 - 1, onProgress: (p) => seen.push(p) })
    await new Promise((resolve) => setImmediate(resolve))
    t.deepEqual(seen.map((p) => p.bytes), [r.bytes])
    t.deepEqual(warnings.map((w) => w.name), [])
  } finally {
    process.off('warning', onWarning)
  }
})

/** Runs a script in a fresh Node process (an abort there cannot take the test runner down). */
function node(script: string, prefix: string[] = []): { status: number | null; stdout: string; stderr: string } {
  // stderr also says which signal ended the process, if one did (an abort, say).
  const env = { ...process.env, DIRSIZE_NATIVE: backend === 'native' ? '1' : '0' }
  const r = spawnSync(prefix[0] ?? process.execPath, prefix.length ? [...prefix.slice(1), process.execPath, '-e', script] : ['-e', script], {
    cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.signal ? `${r.stderr}\nkilled by ${r.signal}` : r.stderr }
}

test('top and depth at their largest are served: sized by what is found, sync and async', (t) => {
  const script = `
    const { dirsize, dirsizeSync } = require('dirsize')
    const o = { top: 2 ** 32 - 1, depth: 2 ** 32 - 1 }
    dirsize(${JSON.stringify(plain)}, o).then((a) => {
      const s = dirsizeSync(${JSON.stringify(plain)}, o)
      console.log(JSON.stringify([a, s].map((r) => [r.largest.length, r.tree.length, r.bytes])))
    })`
  const r = node(script)
  t.is(r.status, 0, r.stderr)
  t.deepEqual(JSON.parse(r.stdout), [[1, 1, duBytes(plain)], [1, 1, duBytes(plain)]])
})

serialIf(backend === 'native' && caps.asNobody)('a thread count the system will not start: a RangeError naming threads, sync and async; the next scan works', (t) => {
  // As a user of its own (RLIMIT_NPROC counts every process of the user, and other suites
  // run as nobody), with at most 64 threads: Node starts, a pool of 1000 cannot.
  const uid = String(60_000 + (process.pid % 5000))
  const asOwnUser = ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups']
  const script = `
    const fs = require('node:fs')
    const { dirsize, dirsizeSync } = require('dirsize')
    const threads = () => Number(/Threads:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
    const name = (e) => e.constructor.name + ' ' + e.code + ' ' + e.message
    ;(async () => {
      // libuv's pool starts now: at the limit, Node itself could not start its threads.
      await fs.promises.stat('.')
      const base = threads()
      // The threads a refused pool did start exit by themselves, a moment later.
      const settled = async () => {
        for (let i = 0; i < 200 && threads() > base; i++) await new Promise((r) => setTimeout(r, 25))
      }
      const out = [await dirsize('src', { threads: 1000 }).then(() => 'served', name)]
      await settled()
      try { dirsizeSync('src', { threads: 1000 }); out.push('served') } catch (e) { out.push(name(e)) }
      await settled()
      out.push((await dirsize('src', { threads: 2 })).files > 0)
      console.log(JSON.stringify(out))
    })()`
  const r = node(script, ['bash', '-c', 'ulimit -u 64 && exec "$@"', 'bash', ...asOwnUser])
  t.is(r.status, 0, r.stderr)
  const [async, sync, next] = JSON.parse(r.stdout) as [string, string, boolean]
  for (const line of [async, sync]) t.regex(line, /^RangeError ERR_OUT_OF_RANGE dirsize: threads: cannot start 1000 threads: /)
  t.true(next)
})

serialIf(backend === 'native' && caps.procfs)('scans at thread count after thread count do not pile up idle threads', (t) => {
  // Every count from 2 to 41 once: 860 threads if every pool stayed.
  const script = `
    const fs = require('node:fs')
    const { dirsize } = require('dirsize')
    const threads = () => Number(/Threads:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
    ;(async () => {
      for (let n = 2; n <= 41; n++) await dirsize('src', { threads: n })
      await new Promise((r) => setTimeout(r, 200))
      console.log(threads())
    })()`
  const r = node(script)
  t.is(r.status, 0, r.stderr)
  // Four idle pools (38 to 41 threads), the default one, Node's own threads.
  t.true(Number(r.stdout) < 41 * 5 + 64, `${r.stdout.trim()} threads`)
})

function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

test.serial('a slow progress callback does not slow the scan, and the last call has the final totals', async (t) => {
  // 100 directories of 1,000 files; the TypeScript walker, slower, scans 20 of them.
  const tree = path.join(base, 'many')
  execFileSync('python3', ['-c', [
    'import os, sys',
    'for d in range(100):',
    '    p = os.path.join(sys.argv[1], "d%d" % d); os.makedirs(p)',
    '    for f in range(1000): open(os.path.join(p, "f%d" % f), "w").close()',
  ].join('\n'), tree])
  const roots = backend === 'native' ? [tree] : Array.from({ length: 20 }, (_, i) => path.join(tree, `d${i}`))
  await dirsize(roots) // a warm cache for both timed scans
  let started = performance.now()
  const quick = await dirsize(roots)
  const quickMs = performance.now() - started
  const seen: Progress[] = []
  started = performance.now()
  const slow = await dirsize(roots, {
    progressIntervalMs: 1,
    onProgress: (p) => {
      seen.push(p)
      busy(50)
    },
  })
  const slowMs = performance.now() - started
  t.log(`${backend}: ${quick.files} files in ${quickMs.toFixed(0)} ms; with a 50 ms callback ${slowMs.toFixed(0)} ms, ${seen.length} calls`)
  t.is(slow.files, quick.files)
  // Before, every tick queued up behind the callback: 20x the plain scan (a tick a ms, 50 ms
  // each: seconds here). The margin is wide because the TypeScript walker's plain scan takes
  // ~80 ms on kept workers, and under CI's load its slow one took 535 ms once: its calling
  // thread, blocked in the callback, is also the one that hands the workers their chunks.
  t.true(slowMs < 3 * quickMs + 1000, `${slowMs.toFixed(0)} ms against ${quickMs.toFixed(0)} ms`)
  const last = seen.at(-1)!
  t.deepEqual([last.files, last.dirs, last.bytes, last.diskBytes, last.errors], [slow.files, slow.dirs, slow.bytes, slow.diskBytes, slow.errorCount])
  // Between two ticks, at least 9 times the 50 ms the first took (the final call is not paced).
  for (let i = 1; i < seen.length - 1; i++) t.true(seen[i]!.elapsedMs - seen[i - 1]!.elapsedMs >= 450, `tick ${i}`)
})

test('a progress callback that throws rejects the scan with its error, during the walk or at its end', async (t) => {
  const boom = new Error('callback failed')
  const thrower = (): void => {
    throw boom
  }
  t.is(await t.throwsAsync(dirsize(repoRoot, { progressIntervalMs: 1, onProgress: thrower })), boom)
  t.is(await t.throwsAsync(dirsize(plain, { progressIntervalMs: 2 ** 31 - 1, onProgress: thrower })), boom)
  t.is((await dirsize(plain)).bytes, duBytes(plain))
})
