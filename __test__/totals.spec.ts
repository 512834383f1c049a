/**
 * Every total equals GNU du's, on awkward trees, at threads 1 and at the default: for the
 * backend the environment picks (DIRSIZE_NATIVE=0: the TypeScript walker).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { backend, dirsize, dirsizeSync } from 'dirsize'

import { awkwardTree, deepChain, du, duBytes, duDisk, manyFiles, repoRoot, rm, tempDir } from './helpers/trees'
import { caps, testIf } from './helpers/platform'

test('the backend is the one the environment asks for', (t) => {
  t.is(backend, process.env.DIRSIZE_NATIVE === '0' ? 'typescript' : 'native')
})

const awkward = tempDir()
awkwardTree(awkward)
test.after.always(() => rm(awkward))

const variants = [
  { name: 'default', options: {}, flags: [] as string[] },
  { name: 'countLinks (du -l)', options: { countLinks: true }, flags: ['-l'] },
  { name: 'followSymlinks (du -L)', options: { followSymlinks: true }, flags: ['-L'] },
  { name: 'oneFileSystem (du -x)', options: { oneFileSystem: true }, flags: ['-x'] },
]

for (const v of variants) {
  for (const threads of [1, undefined]) {
    test(`awkward tree, ${v.name}, threads ${threads ?? 'default'}`, async (t) => {
      const r = await dirsize(awkward, { ...v.options, threads })
      t.is(r.bytes, duBytes(awkward, v.flags))
      t.is(r.diskBytes, duDisk(awkward, v.flags))
      const s = dirsizeSync(awkward, { ...v.options, threads })
      t.is(s.bytes, r.bytes)
      t.is(s.diskBytes, r.diskBytes)
    })
  }
}

test('awkward tree: counts by kind, no errors without -L', async (t) => {
  const r = await dirsize(awkward)
  t.is(r.errorCount, 0)
  t.deepEqual(r.errors, [])
  t.is(r.dirs, 7) // root, a, a/b, a/b/c, empty1, empty2, empty2/empty3
  t.is(r.files, 6) // a/file (its hard link counts once), deep, sparse, three odd names
  t.is(r.symlinks, 5)
  t.is(r.others, 2) // the fifo and the socket
})

test('followSymlinks reports dangling and self-looping links as errors, as du -L does', async (t) => {
  const r = await dirsize(awkward, { followSymlinks: true })
  const codes = r.errors.map((e) => [path.relative(awkward, e.path), e.code]).sort()
  t.deepEqual(codes, [['a/dangling', 'ENOENT'], ['self', 'ELOOP']])
})

test('sparse file: apparent size and allocated size differ, both as du', async (t) => {
  const p = path.join(awkward, 'sparse')
  const r = await dirsize(p)
  t.is(r.bytes, 10 << 20)
  t.is(r.diskBytes, duDisk(p))
  t.true(r.diskBytes < r.bytes)
})

test('hard links across two roots count once, in the first root', async (t) => {
  const dir = tempDir()
  try {
    fs.mkdirSync(path.join(dir, 'a'))
    fs.mkdirSync(path.join(dir, 'b'))
    fs.writeFileSync(path.join(dir, 'a/f'), Buffer.alloc(10_000))
    fs.linkSync(path.join(dir, 'a/f'), path.join(dir, 'b/g'))
    fs.writeFileSync(path.join(dir, 'b/own'), 'own')
    const roots = [path.join(dir, 'a'), path.join(dir, 'b')]
    const r = await dirsize(roots, { threads: 2 })
    const [a, b] = du(['-sb'], roots)
    t.is(r.roots![0]!.bytes, a)
    t.is(r.roots![1]!.bytes, b)
    t.is(r.bytes, a! + b!)
    t.is(r.roots![1]!.path, roots[1]!)
    t.is(r.diskBytes, du(['-s', '-B1', '-c'], roots).at(-1))
  } finally {
    rm(dir)
  }
})

test('a chain deeper than PATH_MAX is walked and counted', async (t) => {
  const dir = tempDir()
  try {
    deepChain(dir, 2100) // 4200 bytes of path below the root
    if (backend === 'typescript') {
      // Node's fs goes by full path: past PATH_MAX it gets ENAMETOOLONG, reported, not hidden.
      const r = await dirsize(dir)
      t.true(r.errors.length > 0)
      t.true(r.errors.every((e) => e.code === 'ENAMETOOLONG'))
      t.true(r.bytes < duBytes(dir))
      return
    }
    for (const threads of [1, 2]) {
      const r = await dirsize(dir, { threads })
      t.is(r.errorCount, 0)
      t.is(r.dirs, 2101)
      t.is(r.files, 2100)
      t.is(r.bytes, duBytes(dir))
      t.is(r.diskBytes, duDisk(dir))
    }
  } finally {
    // rm by name fails past PATH_MAX too; rm -r works by descriptor.
    require('node:child_process').execFileSync('rm', ['-rf', dir])
  }
})

test('a directory of 20,000 files, serial and parallel', async (t) => {
  const dir = tempDir()
  try {
    manyFiles(path.join(dir, 'big'), 20_000)
    const one = await dirsize(dir, { threads: 1 })
    const many = await dirsize(dir, { threads: 4 })
    t.is(one.files, 20_000)
    t.is(one.bytes, duBytes(dir))
    t.is(one.diskBytes, duDisk(dir))
    t.is(many.bytes, one.bytes)
    t.is(many.diskBytes, one.diskBytes)
  } finally {
    rm(dir)
  }
})

test('empty directories and a root that is a file', async (t) => {
  const empty = path.join(awkward, 'empty2')
  const r = await dirsize(empty)
  t.is(r.bytes, duBytes(empty))
  t.is(r.dirs, 2)
  t.is(r.files, 0)
  const f = await dirsize(path.join(awkward, 'a/file'))
  t.is(f.bytes, 5000)
  t.is(f.files, 1)
  t.is(f.dirs, 0)
})

test('bigint: the same totals as bigint', async (t) => {
  const r = await dirsize(awkward, { bigint: true })
  t.is(r.bytes, BigInt(duBytes(awkward)))
  t.is(typeof r.files, 'bigint')
})

test("real tree: this repo's node_modules equals du", async (t) => {
  const nm = path.join(repoRoot, 'node_modules')
  const r = await dirsize(nm)
  t.is(r.bytes, duBytes(nm))
  t.is(r.diskBytes, duDisk(nm))
  t.true(r.files > 1000)
})

testIf(caps.nonUtf8Names)('non-UTF-8 names: path shows U+FFFD, pathBuffer has the exact bytes', async (t) => {
  const r = await dirsize(awkward, { top: 20 })
  const bad = r.largest!.find((f) => f.path.includes('\ufffd'))!
  t.truthy(bad)
  t.deepEqual(bad.pathBuffer, Buffer.concat([Buffer.from(awkward + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('-name')]))
  t.true(fs.existsSync(bad.pathBuffer!))
  const nl = r.largest!.find((f) => f.path.endsWith('new\nline'))!
  t.is(nl.pathBuffer, undefined)
})

test('a root inside another, or given twice, counts once, in the first, as du', async (t) => {
  const dir = tempDir()
  try {
    const a = path.join(dir, 'a')
    const b = path.join(a, 'b')
    fs.mkdirSync(b, { recursive: true })
    fs.writeFileSync(path.join(a, 'f'), Buffer.alloc(3000, 1))
    fs.writeFileSync(path.join(b, 'g'), Buffer.alloc(5000, 2))
    const cases: Array<[string[], { countLinks?: boolean; exclude?: string[] }, string[]]> = [
      [[a, b], {}, ['-sb']],
      [[b, a], {}, ['-sb']],
      [[a, a], {}, ['-sb']],
      [[a, b], { countLinks: true }, ['-sbl']],
      [[a, b], { exclude: ['b'] }, ['-sb', '--exclude=b']],
    ]
    for (const [roots, options, flags] of cases) {
      const r = await dirsize(roots, options)
      const counted = r.roots!.filter((x) => x.files + x.dirs + x.symlinks + x.others > 0)
      const lines = execFileSync('du', [...flags, ...roots], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('\t'))
      t.deepEqual(counted.map((x) => [String(x.bytes), x.path]), lines, `${flags.join(' ')} ${roots.map((x) => path.relative(dir, x)).join(' ')}`)
      t.is(r.bytes, counted.reduce((s, x) => s + x.bytes, 0))
    }
  } finally {
    rm(dir)
  }
})
