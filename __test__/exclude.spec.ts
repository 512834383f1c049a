/**
 * `exclude` is du's --exclude: the matcher against glibc's own answers, then totals against
 * GNU du (run under C.UTF-8, the locale dirsize matches as) for the patterns of issue 13 and
 * for random patterns on random trees. walker-typescript.spec.ts runs this file again with
 * the TypeScript walker.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'
import fc from 'fast-check'

import { dirsize, dirsizeSync } from 'dirsize'

import { Exclude } from '../src/walker/exclude'
import { decode, Pattern } from '../src/walker/fnmatch'
import * as ctype from '../src/walker/fnmatch-ctype'
import { caps, testIf } from './helpers/platform'
import { repoRoot, rm, tempDir } from './helpers/trees'

const long = process.env.DIRSIZE_LONG_TESTS === '1'

/** du answers in the user's locale; dirsize matches as du does under C.UTF-8. */
const utf8Env = { ...process.env, LC_ALL: 'C.UTF-8' }
const hasUtf8Locale = spawnSync('locale', ['charmap'], { env: utf8Env, encoding: 'utf8' }).stdout?.trim() === 'UTF-8'
const duTest = testIf(caps.gnuDu && hasUtf8Locale)

/** du -sb and du -s -B1 with these patterns, one root: [bytes, diskBytes] (0, 0 if excluded). */
function duTotals(root: string | Buffer, patterns: readonly string[]): [number, number] {
  const flags = patterns.map((p) => `--exclude=${p}`)
  const one = (f: string[]): number => {
    const out = execFileSync('du', [...f, ...flags, '--', root], { env: utf8Env, stdio: ['ignore', 'pipe', 'ignore'] }).toString()
    return out === '' ? 0 : Number(out.split('\t')[0])
  }
  return [one(['-sb']), one(['-s', '-B1'])]
}

function unhex(h: string): Buffer {
  return Buffer.from(h, 'hex')
}

test('the matcher gives glibc 2.36\'s answer on every shared vector', (t) => {
  const doc = JSON.parse(fs.readFileSync(path.join(repoRoot, '__test__/fixtures/fnmatch.json'), 'utf8')) as {
    matched: number
    cases: Array<[string, string | { hex: string }, boolean]>
  }
  let matched = 0
  const wrong: string[] = []
  for (const [p, name, want] of doc.cases) {
    const bytes = typeof name === 'string' ? Buffer.from(name) : unhex(name.hex)
    if (new Pattern(Buffer.from(p)).matches(bytes) !== want) wrong.push(`fnmatch(${JSON.stringify(p)}, ${JSON.stringify(name)}) should be ${want}`)
    if (want) matched++
  }
  t.deepEqual(wrong.slice(0, 10), [])
  t.is(matched, doc.matched)
  t.true(doc.cases.length > 5000)
})

test('UTF-8 is decoded as glibc decodes it', (t) => {
  t.deepEqual(decode(Buffer.from('é')), [0xe9])
  t.deepEqual(decode(Buffer.from([0xf4, 0x90, 0x80, 0x80])), [0x110000])
  t.deepEqual(decode(Buffer.from([0xfd, 0xbf, 0xbf, 0xbf, 0xbf, 0xbf])), [0x7fffffff])
  t.is(decode(Buffer.from([0xed, 0xa0, 0x80])), undefined)
  t.is(decode(Buffer.from([0xc0, 0x80])), undefined)
  t.is(decode(Buffer.from([0xff])), undefined)
})

test('the class tables are the Rust ones', (t) => {
  const rs = fs.readFileSync(path.join(repoRoot, 'src-rs/fnmatch_ctype.rs'), 'utf8')
  const consts = [...rs.matchAll(/pub const (\w+): &\[\(u32, u32\)\] = &\[([^\]]*)\];/g)]
  t.true(consts.length >= 10)
  for (const [, name, body] of consts) {
    const numbers = [...body!.matchAll(/0x[0-9a-f]+/g)].map((m) => Number(m[0]))
    t.deepEqual((ctype as Record<string, readonly number[]>)[name!], numbers, name)
  }
})

test('patterns that test names alone give the verdict of the whole path', (t) => {
  // excludesRoot tests every pattern on the whole path: the reference.
  const atom = fc.constantFrom('a', 'b', 'é', '/', '*', '?', '\\', '\\*', '\\/', '-', ']', '[', '[a-c]', '[]a]', '[!a]', '[^/]', '[a-]', '[-z]', '[+-1]', '[0-9]', '[[:alpha:]]', '[é]', '[a/]', '[a', '.')
  const part = fc.constantFrom('a', 'b', 'é', 'ab', 'a-', ']', '[', '*', '.', '0', '+', '\\', 'ba', 'aé')
  let shortcut = 0
  fc.assert(
    fc.property(fc.array(atom, { maxLength: 4 }), fc.array(fc.array(part, { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 4 }), (atoms, comps) => {
      const ex = new Exclude([atoms.join('')])
      if (!ex.needsPath) shortcut++
      const names = comps.map((c) => c.join(''))
      const full = Buffer.from(names.join('/'))
      return ex.excludes(Buffer.from(names.at(-1)!), full) === ex.excludesRoot(full)
    }),
    { numRuns: 20_000 },
  )
  t.true(shortcut > 2000, `${shortcut} patterns took the shortcut`)
})

// A tree with a name for every pattern below, each file a different size.
const base = tempDir()
const root = path.join(base, 'r')
const names: Array<[string | Buffer, number]> = [
  ['a/x', 11], ['a/b/c/f', 13], ['b/c', 17], ['b/a', 19], ['x/b/c/g', 23], ['c', 29], ['é', 31],
  ['éé/z', 37], ['[x]', 41], ['{a,b}', 43], ['.hidden', 47], ['f.log', 53], ['d/g.log', 59],
  ['a*b', 61], ['a\\', 67], ['Q', 71], ['5', 73], ['sp ace', 79], ['r/a', 83],
]
fs.mkdirSync(root)
for (const [name, size] of names) {
  const p = path.join(root, name.toString())
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, Buffer.alloc(size, 1))
}
if (caps.nonUtf8Names) fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff]), Buffer.from('-x')]), Buffer.alloc(89))
test.after.always(() => rm(base))

// Issue 13's patterns, and the rules around them.
const cases: string[][] = [
  ['b/c'], ['*/c'], ['r/a'], ['r/*'], ['b/*'], ['*/*/*'], ['{a,b}'], ['[[:alpha:]]'], ['c'],
  ['*.log'], ['d/*.log'], ['?'], ['??'], ['[!a]*'], ['[^a-c]'], ['a\\*b'], ['a\\'], ['*\\'],
  ['[x]'], ['\\[x]'], ['[[:upper:]]'], ['[[:digit:]]'], ['[[:space:]]*'], ['*[[:space:]]*'],
  ['[[:punct:]]*'], ['é'], ['[é]'], ['?é'], ['.*'], ['*/.*'], ['*-?-*'], ['bad-*'], ['x/b'],
  [`${path.basename(base)}/r/a`], [`${base}/r/b/*`], ['a', 'b'], [''], ['[', '[]', '[!]'],
  ['[[:alpha:]', '[[:zz:]]', '[[=a=]]', '[[.a.]]'],
]

for (const patterns of cases) {
  const title = JSON.stringify(patterns).replaceAll(base, 'BASE').replaceAll(path.basename(base), 'BASENAME')
  duTest(`exclude ${title} gives du's totals`, async (t) => {
    const [bytes, diskBytes] = duTotals(root, patterns)
    const r = await dirsize(root, { exclude: patterns })
    t.is(r.bytes, bytes)
    t.is(r.diskBytes, diskBytes)
    t.is(dirsizeSync(root, { exclude: patterns }).bytes, bytes)
  })
}

duTest('a root is tested on the path fts forms for it, as du does', async (t) => {
  for (const [given, patterns] of [
    [root, ['r']], [root, ['*']], [`${root}/`, ['r']], [`${root}/`, ['r/']], [`${root}/`, ['']],
    [`${root}//`, ['r/a']], [`${root}//`, ['r//a']], [`${root}///`, ['[!r]']], [`${root}/a/`, ['r/a']],
    [`${root}/./a`, ['./a']], [`${root}/./a`, ['r/./a']],
  ] as Array<[string, string[]]>) {
    const [bytes] = duTotals(given, patterns)
    const r = await dirsize([given], { exclude: patterns })
    t.is(r.bytes, bytes, `${given} ${JSON.stringify(patterns)}`)
  }
})

duTest('an excluded directory has no line in the depth breakdown, as du -d', async (t) => {
  const out = execFileSync('du', ['-b', '-d', '1', '--exclude=b', '--exclude=*.log', root], { env: utf8Env, encoding: 'utf8' })
  const want = out.trim().split('\n').map((l) => l.slice(l.indexOf('\t') + 1)).filter((p) => !p.includes('bad-')).sort()
  const r = await dirsize(root, { depth: 1, exclude: ['b', '*.log'] })
  t.deepEqual(r.tree!.map((e) => e.path).filter((p) => !p.includes('bad-')).sort(), want)
})

duTest('an excluded name of a hard-linked file does not keep its other name from counting', async (t) => {
  const dir = tempDir()
  try {
    fs.mkdirSync(path.join(dir, 'x'))
    fs.mkdirSync(path.join(dir, 'y'))
    fs.writeFileSync(path.join(dir, 'x/f'), Buffer.alloc(5000, 1))
    fs.linkSync(path.join(dir, 'x/f'), path.join(dir, 'y/f2'))
    const r = await dirsize(dir, { exclude: ['f'] })
    t.is(r.bytes, duTotals(dir, ['f'])[0])
    t.is(r.files, 1)
  } finally {
    rm(dir)
  }
})

test('a pattern with a NUL is a TypeError naming exclude; any other string is a pattern', async (t) => {
  const e = await t.throwsAsync(dirsize(root, { exclude: ['a\0b'] }), { instanceOf: TypeError })
  t.regex(e!.message, /exclude/)
  t.notThrows(() => dirsizeSync(root, { exclude: ['a[', '[[:nope:]]', '\\', '{'] }))
})

// Random patterns from du's grammar on random trees: the totals are du's.
const nameArb = fc.oneof(
  { weight: 4, arbitrary: fc.stringOf(fc.constantFrom('a', 'b', 'é', '.', '[', ']', 'Z', ' '), { minLength: 1, maxLength: 3 }).map((s) => Buffer.from(s)) },
  { weight: caps.nonUtf8Names ? 1 : 0, arbitrary: fc.constantFrom(Buffer.from([0xff]), Buffer.from([0x61, 0xc3]), Buffer.from([0xe9, 0x62])) },
).filter((b) => !b.equals(Buffer.from('.')) && !b.equals(Buffer.from('..')))

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'é', '.', ']', 'Z', '/', ' ') },
  { weight: 5, arbitrary: fc.constantFrom('*', '?') },
  { weight: 1, arbitrary: fc.constantFrom('\\*', '\\', '\\a', '[', '{a,b}') },
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constantFrom('', '', '!', '^'),
      fc.array(fc.constantFrom('a', 'b-c', 'é', ']', '-', '[:alpha:]', '[:upper:]', '[:punct:]', '[:space:]', '[=a=]', '[.b.]', 'a-é', '\\]', '/', '['), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(']', ']', ']', ''),
    ).map(([neg, items, close]) => `[${neg}${items.join('')}${close}`),
  },
)
// Tuned so that about a quarter of the runs exclude part of the tree (and a fifth all of it,
// the root included): names and patterns share a small alphabet.
const patternArb = fc.array(token, { minLength: 1, maxLength: 4 }).map((ts) => ts.join(''))

duTest('random patterns on random trees: du\'s totals', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ parent: fc.nat(), name: nameArb, dir: fc.boolean(), size: fc.nat(9000) }), { maxLength: 30 }),
      fc.array(patternArb, { minLength: 1, maxLength: 3 }),
      (entries, patterns) => {
        const dir = tempDir()
        try {
          const dirs: Buffer[] = [Buffer.from(dir)]
          for (const e of entries) {
            const p = Buffer.concat([dirs[e.parent % dirs.length]!, Buffer.from('/'), e.name])
            if (fs.existsSync(p)) continue
            if (e.dir) {
              fs.mkdirSync(p)
              dirs.push(p)
            } else {
              fs.writeFileSync(p, Buffer.alloc(e.size, 1))
            }
          }
          const [bytes, diskBytes] = duTotals(dir, patterns)
          const r = dirsizeSync(dir, { exclude: patterns })
          return r.bytes === bytes && r.diskBytes === diskBytes
        } finally {
          rm(dir)
        }
      },
    ),
    { numRuns: long ? 400 : 60 },
  )
  t.pass()
})
