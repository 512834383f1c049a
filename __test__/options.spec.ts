/** depth, top, exclude and ignore: what they list, and that totals never change (exclude.spec.ts: exclude in depth). */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { dirsize } from 'dirsize'

import { awkwardTree, du, duBytes, rm, tempDir } from './helpers/trees'

const root = tempDir()
awkwardTree(root)
fs.mkdirSync(path.join(root, 'proj/node_modules/pkg'), { recursive: true })
fs.writeFileSync(path.join(root, 'proj/node_modules/pkg/index.js'), Buffer.alloc(40_000))
fs.writeFileSync(path.join(root, 'proj/main.log'), Buffer.alloc(3000))
fs.writeFileSync(path.join(root, 'proj/main.ts'), Buffer.alloc(300))
test.after.always(() => rm(root))

type Lines = Array<[string, number]>

/** du's lines as sorted [path, size] pairs (du lists in directory order, dirsize in name order). */
function duLines(flags: string[]): Lines {
  const out = execFileSync('du', [...flags, root], { encoding: 'utf8' })
  return sorted(out.trim().split('\n').map((l) => [l.slice(l.indexOf('\t') + 1), Number(l.slice(0, l.indexOf('\t')))]))
}

function sorted(lines: Lines): Lines {
  return lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

for (const depth of [0, 1, 2]) {
  test(`depth ${depth}: the tree equals du -b -d ${depth} and du -B1 -d ${depth} line for line`, async (t) => {
    const r = await dirsize(root, { depth })
    const apparent = duLines(['-b', '-d', String(depth)])
    const disk = duLines(['-B1', '-d', String(depth)])
    // Names with a newline make du's lines ambiguous; compare the rest.
    const tree = r.tree!.filter((e) => !e.path.includes('\n'))
    t.deepEqual(sorted(tree.map((e) => [e.path, e.bytes])), apparent)
    t.deepEqual(sorted(tree.map((e) => [e.path, e.diskBytes])), disk)
    t.true(tree.every((e) => e.depth <= depth))
    t.is(r.tree!.at(-1)!.path, root) // post-order: the root comes last, as in du
    const plain = await dirsize(root)
    t.is(r.bytes, plain.bytes)
    t.is(r.files, plain.files)
  })
}

test('top lists the largest files, largest first, without changing totals', async (t) => {
  const r = await dirsize(root, { top: 3 })
  t.deepEqual(r.largest!.map((f) => [path.relative(root, f.path), f.bytes]), [
    ['sparse', 10 << 20],
    ['proj/node_modules/pkg/index.js', 40_000],
    ['a/file', 5000],
  ])
  t.is(r.bytes, (await dirsize(root)).bytes)
})

test('exclude: the patterns of du --exclude, matched at any depth', async (t) => {
  const r = await dirsize(root, { exclude: ['node_modules', 'proj/*.log'] })
  t.is(r.bytes, duBytes(root, ['--exclude=node_modules', '--exclude=proj/*.log']))
  const named = await dirsize(root, { exclude: ['*.log'] })
  t.is(named.bytes, duBytes(root, ['--exclude=*.log']))
})

test('ignore: a RegExp on the full path, with its flags', async (t) => {
  const r = await dirsize(root, { ignore: /NODE_MODULES|\.log$/i })
  t.is(r.bytes, duBytes(root, ['--exclude=node_modules', '--exclude=*.log']))
  // Lookbehind is ECMAScript syntax that Rust's regex crate lacks: it still works.
  const lb = await dirsize(root, { ignore: /(?<=proj\/)main\.(log|ts)$/ })
  t.is(lb.bytes, duBytes(root) - 3300)
})

test('exclude takes every pattern du takes (a lone [ is a literal); a NUL is a TypeError naming the option', async (t) => {
  const r = await dirsize(root, { exclude: ['a['] })
  t.is(r.bytes, duBytes(root, ['--exclude=a[']))
  const e = await t.throwsAsync(dirsize(root, { exclude: ['a\0'] }), { instanceOf: TypeError })
  t.regex(e!.message, /exclude/)
})

test('several roots: roots in order, totals summed, tree per root', async (t) => {
  const roots = [path.join(root, 'a'), path.join(root, 'proj')]
  const r = await dirsize(roots, { depth: 0 })
  t.deepEqual(r.roots!.map((x) => x.path), roots)
  t.deepEqual(r.roots!.map((x) => x.bytes), du(['-sb'], roots))
  t.deepEqual(r.tree!.map((e) => e.path), roots)
})
