/**
 * The checks that need no GNU du, so they run on every platform the release tests, Windows
 * included: the totals against a plain serial lstat walk (the oracle) and against the
 * TypeScript walker, paths in the platform's own form, errors by Node's names.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { dirsize, dirsizeSync, type Totals } from 'dirsize'

import { repoRoot, rm, tempDir } from './helpers/trees'

const windows = process.platform === 'win32'
const root = tempDir()
test.after.always(() => rm(root))

// Hard links, Unicode names, a 3000-entry directory, a path past Windows' MAX_PATH (260) and,
// off Windows, symlinks (Node sizes a Windows link by its target's length, the listing by
// its reparse data: not comparable).
fs.mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true })
fs.writeFileSync(path.join(root, 'a.txt'), Buffer.alloc(10, 1))
fs.writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(300_000, 2))
fs.writeFileSync(path.join(root, 'sub', 'c'), Buffer.alloc(123, 3))
fs.writeFileSync(path.join(root, 'sub', 'deeper', 'empty'), '')
fs.writeFileSync(path.join(root, 'é 漢字 😀.txt'), Buffer.alloc(77, 4))
fs.linkSync(path.join(root, 'big.bin'), path.join(root, 'sub', 'big.link'))
fs.mkdirSync(path.join(root, 'many'))
for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(root, 'many', `f${i}`), Buffer.alloc(i % 17, 5))
let deep = path.join(root, 'deep')
for (let i = 0; i < 20; i++) deep = path.join(deep, `level-${String(i).padStart(2, '0')}-abcdefghijklmnop`)
fs.mkdirSync(deep, { recursive: true })
fs.writeFileSync(path.join(deep, 'bottom'), 'bottom')
if (!windows) {
  fs.symlinkSync('a.txt', path.join(root, 'to-a'))
  fs.symlinkSync('nowhere', path.join(root, 'dangling'))
}

/** du's rules, written plainly: every entry once, a file with several links once. */
function oracle(dir: string): Totals {
  const out: Totals = { bytes: 0, diskBytes: 0, files: 0, dirs: 0, symlinks: 0, others: 0 }
  const seen = new Set<string>()
  const stack = [dir]
  while (stack.length > 0) {
    const p = stack.pop()!
    const st = fs.lstatSync(p, { bigint: true })
    if (!st.isDirectory() && st.nlink > 1n) {
      const key = `${st.dev}:${st.ino}`
      if (seen.has(key)) continue
      seen.add(key)
    }
    out.bytes += Number(st.size)
    out.diskBytes += Number(st.blocks) * 512
    if (st.isDirectory()) {
      out.dirs++
      for (const name of fs.readdirSync(p)) stack.push(path.join(p, name))
    } else if (st.isFile()) out.files++
    else if (st.isSymbolicLink()) out.symlinks++
    else out.others++
  }
  return out
}

function totals(r: Totals): Totals {
  const { bytes, diskBytes, files, dirs, symlinks, others } = r
  return { bytes, diskBytes, files, dirs, symlinks, others }
}

test('native totals equal a plain lstat walk, at threads 1 and at the default', async (t) => {
  const want = oracle(root)
  t.is(want.files, 3006)
  t.deepEqual(totals(await dirsize(root)), want)
  t.deepEqual(totals(await dirsize(root, { threads: 1 })), want)
  t.deepEqual(totals(dirsizeSync(root)), want)
})

test('the TypeScript walker gives the same totals', (t) => {
  const script = `const { dirsizeSync, backend } = require('dirsize'); const r = dirsizeSync(${JSON.stringify(root)});
    console.log(JSON.stringify({ backend, bytes: r.bytes, diskBytes: r.diskBytes, files: r.files, dirs: r.dirs, symlinks: r.symlinks, others: r.others }))`
  const out = execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DIRSIZE_NATIVE: '0' } })
  const { backend, ...ts } = JSON.parse(out) as Totals & { backend: string }
  t.is(backend, 'typescript')
  t.deepEqual(ts, oracle(root))
})

test('paths come back in the platform form: largest files and the breakdown', async (t) => {
  const r = await dirsize(root, { top: 1, depth: 1 })
  // big.bin and sub/big.link are one file: it counts under whichever name the walk met first.
  t.true([path.join(root, 'big.bin'), path.join(root, 'sub', 'big.link')].includes(r.largest![0]!.path), r.largest![0]!.path)
  const paths = r.tree!.map((e) => e.path)
  t.true(paths.includes(path.join(root, 'sub')), paths.join('\n'))
  t.true(paths.includes(path.join(root, 'deep')))
  t.is(paths.at(-1), root)
})

test('a missing root: ENOENT by name, and the other roots still counted', async (t) => {
  const missing = path.join(root, 'does-not-exist')
  const r = await dirsize([missing, path.join(root, 'sub')])
  t.is(r.roots![0]!.rootError!.code, 'ENOENT')
  t.is(r.roots![0]!.rootError!.path, missing)
  t.is(r.roots![1]!.files, 3)
  await t.throwsAsync(dirsize(missing), { code: 'ENOENT' })
})

test('a root that is a file counts as that file', async (t) => {
  const r = await dirsize(path.join(root, 'big.bin'))
  t.is(r.bytes, 300_000)
  t.is(r.files, 1)
  t.is(r.dirs, 0)
})
