/** The get-folder-size and fast-folder-size drop-ins, side by side with the real packages. */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

import test from 'ava'
import { Volume } from 'memfs'

import getFolderSize = require('dirsize/get-folder-size')
import fastFolderSize = require('dirsize/fast-folder-size')
import fastFolderSizeSync = require('dirsize/fast-folder-size/sync')

import { awkwardTree, duBytes, repoRoot, rm, tempDir } from './helpers/trees'
import { caps, testIf } from './helpers/platform'

type Gfs = typeof getFolderSize
// The real packages: get-folder-size is ESM-only, fast-folder-size CommonJS.
const realGfs = async (): Promise<Gfs> => ((await import('get-folder-size')) as unknown as { default: Gfs }).default
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFfs = require('fast-folder-size') as (p: string, cb: (e: Error | null, b?: number) => void) => void
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFfsSync = require('fast-folder-size/sync') as (p: string) => number

const root = tempDir()
awkwardTree(root)
// get-folder-size reads names as UTF-8 strings, so it cannot reach a name that is not UTF-8
// (it reports ENOENT); that difference has its own test below, the rest must match exactly.
const badName = Buffer.concat([Buffer.from(root + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-name')])
fs.rmSync(badName, { force: true })
test.after.always(() => rm(root))

function memTree(): ReturnType<typeof Volume.fromJSON> {
  return Volume.fromJSON({
    '/fixture/8bytes.txt': 'A'.repeat(8),
    '/fixture/500bytes.txt': 'B'.repeat(500),
    '/fixture/sub/6000bytes.txt': 'C'.repeat(6000),
    '/fixture/sub/deeper/1byte': 'D',
    '/fixture/sub/empty/.keep': '',
  })
}

test('memfs tree through the fs option: the same { size, errors } as get-folder-size', async (t) => {
  const vol = memTree()
  vol.linkSync('/fixture/500bytes.txt', '/fixture/sub/hardlink') // counted once by both
  const real = await realGfs()
  const ours = await getFolderSize('/fixture', { fs: vol.promises as unknown as getFolderSize.Fs })
  t.deepEqual(ours, await real('/fixture', { fs: vol.promises as unknown as getFolderSize.Fs }))
  t.is(ours.errors, null)
  t.is(typeof ours.size, 'number')
})

test('bigint, loose and strict, on memfs', async (t) => {
  const vol = memTree()
  const opts = { fs: vol.promises as unknown as getFolderSize.Fs }
  const real = await realGfs()
  t.is(await getFolderSize.loose('/fixture', { ...opts, bigint: true }), await real.loose('/fixture', { ...opts, bigint: true }))
  t.is(typeof (await getFolderSize('/fixture', { ...opts, bigint: true })).size, 'bigint')
  t.is(await getFolderSize.strict('/fixture', opts), await real.strict('/fixture', opts))
})

test('ignore: a RegExp on the joined path, as get-folder-size tests it', async (t) => {
  const vol = memTree()
  const real = await realGfs()
  for (const ignore of [/\.txt$/, /sub/, /^\/fixture$/]) {
    const opts = { fs: vol.promises as unknown as getFolderSize.Fs, ignore }
    t.is(await getFolderSize.loose('/fixture', opts), await real.loose('/fixture', opts), String(ignore))
  }
  // Native: the same on a real tree.
  for (const ignore of [/\.txt$/, /file$/, /a\/b/]) {
    t.is(await getFolderSize.loose(root, { ignore }), await real.loose(root, { ignore }), String(ignore))
  }
})

test('a missing folder: an ENOENT error and size 0; strict rejects', async (t) => {
  const real = await realGfs()
  const ours = await getFolderSize('/does/not/exist')
  const theirs = await real('/does/not/exist')
  t.is(ours.size, theirs.size)
  t.is(ours.errors!.length, 1)
  t.true(ours.errors![0] instanceof Error)
  t.is((ours.errors![0] as NodeJS.ErrnoException).code, (theirs.errors![0] as NodeJS.ErrnoException).code)
  t.is((ours.errors![0] as NodeJS.ErrnoException).syscall, 'lstat')
  await t.throwsAsync(getFolderSize.strict('/does/not/exist'), { code: 'ENOENT' })
  const vol = memTree()
  const opts = { fs: vol.promises as unknown as getFolderSize.Fs }
  t.is((await getFolderSize('/nope', opts)).errors!.length, 1)
})

/** An fs that cannot read one directory (memfs has no permissions). */
function failingFs(vol: ReturnType<typeof Volume.fromJSON>, bad: string): getFolderSize.Fs {
  const p = vol.promises as unknown as getFolderSize.Fs
  return {
    lstat: (x, o) => p.lstat(x, o),
    readdir: async (x) => {
      if (x === bad) throw Object.assign(new Error(`EACCES: permission denied, scandir '${x}'`), { code: 'EACCES', errno: -13, syscall: 'scandir', path: x })
      return p.readdir(x)
    },
  }
}

test('read errors: loose collects them (the same Error objects), strict rejects with the first', async (t) => {
  const vol = memTree()
  const f = failingFs(vol, '/fixture/sub')
  const real = await realGfs()
  const ours = await getFolderSize('/fixture', { fs: f })
  const theirs = await real('/fixture', { fs: f })
  t.is(ours.size, theirs.size)
  t.deepEqual(ours.errors!.map((e) => e.message), theirs.errors!.map((e) => e.message))
  t.is(await getFolderSize.loose('/fixture', { fs: f }), theirs.size)
  await t.throwsAsync(getFolderSize.strict('/fixture', { fs: f }), { message: /EACCES/ })
})

testIf(caps.asNobody)('read errors on a real tree, native: EACCES as a real Error with code, errno, syscall, path', async (t) => {
  const script = `import('dirsize/get-folder-size').then(async (m) => { const r = await m.default(${JSON.stringify(root)});
    const g = await import('get-folder-size'); const s = await g.default(${JSON.stringify(root)});
    console.log(JSON.stringify([r.size, s.size, r.errors && r.errors.map((e) => [e instanceof Error, e.code, e.errno, e.syscall, e.path]), s.errors && s.errors.map((e) => [e instanceof Error, e.code, e.errno, e.syscall, e.path])])) })`
  const closed = path.join(root, 'closed')
  fs.mkdirSync(closed)
  fs.writeFileSync(path.join(closed, 'x'), 'xxxx')
  fs.chmodSync(closed, 0o700)
  try {
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { cwd: repoRoot, encoding: 'utf8' })
    const [ours, theirs, oursErr, theirsErr] = JSON.parse(out) as [number, number, unknown[], unknown[]]
    t.is(ours, theirs)
    t.deepEqual(oursErr, theirsErr)
    t.deepEqual(oursErr, [[true, 'EACCES', -13, 'scandir', closed]])
  } finally {
    rm(closed)
  }
})

test('a size past 2^53: a RangeError, MAX_SAFE_INTEGER, or a bigint', async (t) => {
  const huge: getFolderSize.Fs = {
    lstat: async (p) => ({ isDirectory: () => p === '/big', ino: BigInt(p.length), size: 2n ** 52n }),
    readdir: async () => ['a', 'bb', 'ccc'],
  }
  const real = await realGfs()
  const ours = await getFolderSize('/big', { fs: huge })
  const theirs = await real('/big', { fs: huge })
  t.is(ours.size, Number.MAX_SAFE_INTEGER)
  t.is(ours.size, theirs.size)
  t.true(ours.errors![0] instanceof RangeError)
  t.is(ours.errors![0]!.message, theirs.errors![0]!.message)
  t.is(await getFolderSize.loose('/big', { fs: huge, bigint: true }), 4n * 2n ** 52n)
  await t.throwsAsync(getFolderSize.strict('/big', { fs: huge }), { instanceOf: RangeError })
})

test('100,000 files in one memfs directory', async (t) => {
  const files: Record<string, string> = {}
  for (let i = 0; i < 100_000; i++) files[`/many/f${i}`] = i % 7 === 0 ? 'xyz' : 'q'
  const vol = Volume.fromJSON(files)
  const opts = { fs: vol.promises as unknown as getFolderSize.Fs }
  const ours = await getFolderSize.loose('/many', opts)
  t.is(ours, await (await realGfs()).loose('/many', opts))
})

test('side by side on a generated tree and on node_modules: exactly what get-folder-size returns', async (t) => {
  const real = await realGfs()
  for (const dir of [root, path.join(repoRoot, 'node_modules')]) {
    const ours = await getFolderSize(dir)
    const theirs = await real(dir)
    t.deepEqual(ours, theirs, dir)
    t.deepEqual(await getFolderSize(dir, { bigint: true }), await real(dir, { bigint: true }), dir)
  }
})

testIf(caps.nonUtf8Names)('a name that is not UTF-8: get-folder-size cannot lstat it, the drop-in counts it as du does', async (t) => {
  const dir = tempDir()
  try {
    fs.writeFileSync(Buffer.concat([Buffer.from(dir + '/x-'), Buffer.from([0xff])]), 'abc')
    const real = await realGfs()
    const theirs = await real(dir)
    const ours = await getFolderSize(dir)
    t.is((theirs.errors![0] as NodeJS.ErrnoException).code, 'ENOENT')
    t.is(ours.errors, null)
    t.is(ours.size, duBytes(dir))
    t.is(ours.size, theirs.size + 3)
  } finally {
    rm(dir)
  }
})

test('fast-folder-size: exactly what it returns on Linux, callback and sync', async (t) => {
  for (const dir of [root, path.join(repoRoot, 'node_modules')]) {
    const theirs = await promisify(realFfs)(dir)
    const ours = await promisify(fastFolderSize as (p: string, cb: (e: Error | null, b?: number) => void) => void)(dir)
    t.is(ours, theirs, dir)
    t.is(ours, duBytes(dir))
    t.is(fastFolderSizeSync(dir), realFfsSync(dir))
  }
  const ac = new AbortController()
  ac.abort()
  const err = await new Promise<Error | null>((resolve) => fastFolderSize('/usr', { signal: ac.signal }, (e) => resolve(e)))
  t.is(err!.name, 'AbortError')
  const missing = await new Promise<Error | null>((resolve) => fastFolderSize('/does/not/exist', (e) => resolve(e)))
  t.is((missing as NodeJS.ErrnoException).code, 'ENOENT')
  t.throws(() => fastFolderSizeSync('/does/not/exist'), { code: 'ENOENT' })
})

test('CommonJS require gives a callable function that also carries .default, .loose and .strict', (t) => {
  const out = execFileSync(process.execPath, ['-e', `const g = require('dirsize/get-folder-size');
    console.log([typeof g, g.default === g, typeof g.loose, typeof g.strict, typeof require('dirsize/fast-folder-size'), typeof require('dirsize/fast-folder-size/sync')].join(' '))`], { cwd: repoRoot, encoding: 'utf8' })
  t.is(out.trim(), 'function true function function function function')
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import g from 'dirsize/get-folder-size'; import f from 'dirsize/fast-folder-size'; import s from 'dirsize/fast-folder-size/sync';
    console.log([typeof g, typeof g.loose, typeof f, typeof s].join(' '))`], { cwd: repoRoot, encoding: 'utf8' })
  t.is(esm.trim(), 'function function function function')
})
