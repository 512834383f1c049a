/**
 * du's edges, each against GNU du where du answers: directories inside themselves through
 * bind mounts, -L with -l, roots that are not directories, sums past 2^53 and 2^64, a `top`
 * of any size, the -d lines du leaves out, `ignore` and roots, and how roots are written.
 * For the backend the environment picks (walker-typescript.spec.ts runs it again with
 * DIRSIZE_NATIVE=0). Mounting needs root: those cases are skipped elsewhere.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { backend, dirsize, type Options, type Result } from 'dirsize'
import getFolderSize = require('dirsize/get-folder-size')

import { caps, testIf } from './helpers/platform'
import { nobody, repoRoot, rm, tempDir } from './helpers/trees'

const longRuns = process.env.DIRSIZE_LONG_TESTS === '1'

type Line = [string, string]

interface DuRun {
  lines: Line[]
  status: number | null
  stderr: string
}

/** du's lines as it prints them (size, tab, path), with its exit status and stderr. */
function duRun(flags: string[], roots: string[], opts: { cwd?: string; asNobody?: boolean } = {}): DuRun {
  const cmd = opts.asNobody ? [...nobody, 'du'] : ['du']
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), ...flags, '--', ...roots], { encoding: 'utf8', cwd: opts.cwd })
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => {
    const tab = l.indexOf('\t')
    return [l.slice(0, tab), l.slice(tab + 1)] as Line
  })
  return { lines, status: r.status, stderr: r.stderr }
}

const byPath = (a: Line, b: Line): number => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)

/** `du -d N` lines in dirsize's order is not du's (siblings by name): compared as sets. */
function duTree(flags: string[], roots: string[], opts: { cwd?: string; asNobody?: boolean } = {}): Line[] {
  return duRun(flags, roots, opts).lines.sort(byPath)
}

function treeOf(r: Pick<Result, 'tree'>): Line[] {
  return (r.tree ?? []).map((e) => [String(e.bytes), e.path] as Line).sort(byPath)
}

/** Each root's line as du prints it with -s: roots with nothing counted print none. */
function rootLines(r: Result): Line[] {
  const roots = r.roots ?? []
  return roots.filter((x) => x.files + x.dirs + x.symlinks + x.others > 0).map((x) => [String(x.bytes), x.path])
}

function write(p: string, n: number): void {
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, Buffer.alloc(n, 1))
}

function mount(args: string[], at: string): void {
  execFileSync('mount', [...args, at])
}

function umount(at: string): void {
  spawnSync('umount', ['-R', at])
}

const modes: Array<{ flags: string[]; options: Options }> = [
  { flags: [], options: {} },
  { flags: ['-x'], options: { oneFileSystem: true } },
  { flags: ['-l'], options: { countLinks: true } },
  { flags: ['-L'], options: { followSymlinks: true } },
  { flags: ['-L', '-l'], options: { followSymlinks: true, countLinks: true } },
]

/**
 * Totals, -d 3 lines and a clean exit, as du gives them, in every mode, at 1 and default
 * threads. `twoWaysIn`: a directory is reached through two links, so under -L (without -l)
 * it counts under whichever name the walk reaches first, du's first being its listing
 * order: the -d lines are then compared without -L only.
 */
async function sameAsDu(t: import('ava').ExecutionContext, roots: string[], label: string, twoWaysIn = false): Promise<void> {
  for (const { flags, options } of modes) {
    const orderFree = twoWaysIn && options.followSymlinks && !options.countLinks
    const bytes = duRun(['-sbc', ...flags], roots)
    const disk = duRun(['-s', '-B1', '-c', ...flags], roots)
    for (const threads of [1, undefined]) {
      const what = `${label}, du ${flags.join(' ')}, threads ${threads ?? 'default'}`
      const r = await dirsize(roots, { ...options, threads, depth: 3 })
      t.is(String(r.bytes), bytes.lines.at(-1)![0], what)
      t.is(String(r.diskBytes), disk.lines.at(-1)![0], what)
      if (!orderFree) t.deepEqual(treeOf(r), duTree(['-b', '-d', '3', ...flags], roots), what)
      // du says nothing and exits 0: nor does dirsize report anything.
      t.deepEqual([bytes.status, bytes.stderr], [0, ''], what)
      t.is(r.errorCount, 0, what)
    }
  }
}

testIf(caps.mounts)('a directory inside itself through a bind mount is not walked again, as du', async (t) => {
  const dir = tempDir()
  const tree = path.join(dir, 't')
  const x = path.join(tree, 'sub/x')
  try {
    fs.mkdirSync(x, { recursive: true })
    for (let i = 1; i <= 3; i++) write(path.join(tree, `d/f${i}`), i * 1000)
    // The tree inside itself; the directory above it inside it (the copy of the tree is
    // then a plain directory below the mount root); the same with the mounts below it.
    for (const [how, source] of [['--bind', tree], ['--bind', dir], ['--rbind', dir]] as const) {
      mount([how, source], x)
      try {
        await sameAsDu(t, [tree], `${how} ${path.relative(dir, source) || '..'}`)
      } finally {
        umount(x)
      }
    }
  } finally {
    umount(x)
    rm(dir)
  }
})

test('followSymlinks with countLinks counts a directory once per way in, as du -L -l; loops are never entered', async (t) => {
  const dir = tempDir()
  try {
    const s = path.join(dir, 's')
    write(path.join(s, 'd/f1'), 1000)
    write(path.join(s, 'd/e/f2'), 2000)
    fs.symlinkSync('d', path.join(s, 'l1'))
    fs.symlinkSync('d', path.join(s, 'l2'))
    fs.symlinkSync('..', path.join(s, 'd/loop'))
    fs.symlinkSync('../..', path.join(s, 'd/e/up'))
    await sameAsDu(t, [s], 'links', true)
    const r = await dirsize(s, { followSymlinks: true, countLinks: true })
    t.is(r.files, 6) // d's two files, through d, l1 and l2
  } finally {
    rm(dir)
  }
})

test('roots that are not directories count once, in the first root that reaches them, as du', async (t) => {
  const dir = tempDir()
  try {
    const a = path.join(dir, 'a')
    write(path.join(a, 'f1'), 1000)
    write(path.join(a, 'sub/g'), 500)
    fs.symlinkSync('f1', path.join(a, 'lnk'))
    if (caps.specialFiles) execFileSync('mkfifo', [path.join(a, 'ff')])
    const p = (s: string): string => path.join(a, s)
    const cases = [
      [p('f1'), a], [a, p('f1')], [p('f1'), p('f1')], [p('lnk'), a], [a, p('lnk')],
      [p('sub/g'), p('sub'), a], [p('f1'), p('lnk'), a, p('f1')],
      ...(caps.specialFiles ? [[p('ff'), a], [a, p('ff')]] : []),
    ]
    for (const roots of cases) {
      for (const [flags, options] of [[['-sb'], {}], [['-sbl'], { countLinks: true }]] as const) {
        const what = `du ${flags.join(' ')} ${roots.map((r) => path.relative(dir, r)).join(' ')}`
        const r = await dirsize(roots, options)
        const want = duRun([...flags, '-c'], roots).lines
        t.deepEqual(rootLines(r), want.slice(0, -1), what)
        t.is(String(r.bytes), want.at(-1)![0], what)
      }
    }
  } finally {
    rm(dir)
  }
})

for (const [roots, files] of [[10_000, 300], ...(longRuns ? [[100_000, 3_000]] : [])] as const) {
  test(`${roots.toLocaleString('en-US')} roots naming ${files.toLocaleString('en-US')} files: each file counted once`, async (t) => {
    const dir = tempDir()
    try {
      const names = Array.from({ length: files }, (_, i) => path.join(dir, `f${i}`))
      names.forEach((n, i) => write(n, i))
      const list = Array.from({ length: roots }, (_, i) => names[i % files]!)
      const r = await dirsize(list, { onRoot() {} })
      t.is(r.files, files)
      t.is(r.bytes, (files * (files - 1)) / 2)
    } finally {
      rm(dir)
    }
  })
}

testIf(caps.mounts)('sizes past 2^53 and 2^64 are exact (bigint), in the totals, the tree and the drop-in', async (t) => {
  const dir = tempDir()
  try {
    mount(['-t', 'tmpfs', 'tmpfs'], dir)
    const max = 2n ** 63n - 1n
    const sizes = [max, max, 2n ** 53n + 1n]
    fs.mkdirSync(path.join(dir, 'd'))
    sizes.forEach((n, i) => execFileSync('truncate', ['-s', String(n), path.join(dir, `d/f${i}`)]))
    // The exact sum of every entry's st_size: du 9.1 prints "Infinity" here.
    const dirSize = (p: string): bigint => fs.statSync(p, { bigint: true }).size
    const exact = sizes.reduce((a, b) => a + b) + dirSize(dir) + dirSize(path.join(dir, 'd'))
    t.true(exact > 2n ** 64n)
    const r = await dirsize(dir, { bigint: true, depth: 1, top: 1 })
    t.is(r.bytes, exact)
    t.deepEqual(r.tree!.map((e) => e.bytes), [exact - dirSize(dir), exact])
    t.is(r.largest![0]!.bytes, max)
    t.is((await dirsize(dir)).bytes, Number(exact))
    t.is(await getFolderSize.loose(dir, { bigint: true }), exact)
    t.is((await dirsize(path.join(dir, 'd/f2'), { bigint: true })).bytes, 2n ** 53n + 1n)
    const two = await dirsize([path.join(dir, 'd/f0'), path.join(dir, 'd/f1')], { bigint: true })
    t.is(two.bytes, 2n * max)
  } finally {
    umount(dir)
    rm(dir)
  }
})

test('a top of any size is served, never aborts the process (allocations follow what is found)', (t) => {
  const dir = tempDir()
  try {
    for (let i = 0; i < 5; i++) write(path.join(dir, `f${i}`), i)
    const script = `const d = require('dirsize'); (async () => {
      const a = await d.dirsize(${JSON.stringify(dir)}, { top: 1e9 })
      const b = d.dirsizeSync(${JSON.stringify(dir)}, { top: 2 ** 32 - 1 })
      console.log(a.largest.length, b.largest.length)
    })()`
    const r = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env }, timeout: 60_000 })
    t.is(r.status, 0, r.stderr)
    t.is(r.stdout.trim(), '5 5')
  } finally {
    rm(dir)
  }
})

test('-d lines: a directory counted under an earlier root, or reached twice with -L, and a root that is a file, as du -d', async (t) => {
  const dir = tempDir()
  try {
    const m = path.join(dir, 'm')
    write(path.join(m, 'plain/f'), 10)
    fs.mkdirSync(path.join(m, 'plain/x'))
    fs.symlinkSync('plain', path.join(m, 'again'))
    await sameAsDu(t, [m], 'one root', true)
    await sameAsDu(t, [path.join(m, 'plain'), m], 'a root inside the next')
    await sameAsDu(t, [path.join(m, 'plain/f'), m], 'a file, then its tree', true)
    await sameAsDu(t, [path.join(m, 'plain/f')], 'a file')
  } finally {
    rm(dir)
  }
})

testIf(caps.mounts)('-d lines: a mount point skipped under oneFileSystem has none, as du -x -d', async (t) => {
  const dir = tempDir()
  const mnt = path.join(dir, 'mnt')
  try {
    write(path.join(dir, 'plain/f'), 10)
    fs.mkdirSync(mnt)
    mount(['-t', 'tmpfs', 'tmpfs'], mnt)
    write(path.join(mnt, 'in/f'), 20)
    await sameAsDu(t, [dir], 'a tmpfs inside')
  } finally {
    umount(mnt)
    rm(dir)
  }
})

testIf(caps.asNobody)('-d lines as an unprivileged user: an unreadable directory has its line, one that cannot be stat\'ed none, as du -d', (t) => {
  const dir = tempDir()
  try {
    write(path.join(dir, 'open/f'), 10)
    write(path.join(dir, 'closed/f'), 20)
    write(path.join(dir, 'nosearch/sub/deep/f'), 30)
    fs.chmodSync(path.join(dir, 'closed'), 0o700) // owned by root: nobody cannot list it
    fs.chmodSync(path.join(dir, 'nosearch'), 0o744) // listable, but nothing in it can be stat'ed
    const script = `const r = require('dirsize').dirsizeSync(${JSON.stringify(dir)}, { depth: 2 }); console.log(JSON.stringify(r))`
    const out = execFileSync(nobody[0]!, [...nobody.slice(1), process.execPath, '-e', script], { cwd: repoRoot, encoding: 'utf8' })
    const r = JSON.parse(out) as Result
    t.deepEqual(treeOf(r), duTree(['-b', '-d', '2'], [dir], { asNobody: true }))
    t.deepEqual(r.errors.map((e) => [path.relative(dir, e.path), e.code]).sort(), [['closed', 'EACCES'], ['nosearch/sub', 'EACCES']])
  } finally {
    rm(dir)
  }
})

test('ignore never tests a root in the API; the get-folder-size drop-in still does, as get-folder-size 5', async (t) => {
  const dir = tempDir()
  try {
    write(path.join(dir, 'a/f'), 100)
    const all = /(?:)/
    const r = await dirsize(dir, { ignore: all })
    t.is(r.dirs, 1)
    t.is(r.bytes, fs.statSync(dir).size)
    // get-folder-size 5.0.0 tests the path it is given first: an ignore matching it gives 0.
    const original = ((await import('get-folder-size')) as unknown as { default: { loose(p: string, o: object): Promise<number> } }).default
    for (const ignore of [all, new RegExp(`^${dir}$`), /\/a$/]) {
      t.is(await getFolderSize.loose(dir, { ignore }), await original.loose(dir, { ignore }), String(ignore))
    }
    t.is(await getFolderSize.loose(dir, { ignore: all }), 0)
  } finally {
    rm(dir)
  }
})

test('roots are written as du writes them: dir// is dir/, entries dir/a (root line and -d lines)', (t) => {
  const dir = tempDir()
  try {
    write(path.join(dir, 'p/a/f'), 2)
    const roots = ['p', 'p/', 'p//', 'p///', './', './/', './p//', './/p', 'p//a//']
    const script = `const d = require(${JSON.stringify(repoRoot)}); const out = []
      for (const root of ${JSON.stringify(roots)}) {
        const r = d.dirsizeSync([root], { depth: 1 })
        out.push({ root, shown: r.roots[0].path, tree: r.tree.map((e) => [String(e.bytes), e.path]) })
      }
      console.log(JSON.stringify(out))`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env } })
    const got = JSON.parse(out) as Array<{ root: string; shown: string; tree: Line[] }>
    t.is(got[0]!.shown, 'p')
    for (const g of got) {
      // Children before their parent: the root's line last, however it is written.
      t.is(g.tree.at(-1)![1], g.shown, g.root)
      t.deepEqual(g.tree.sort(byPath), duTree(['-b', '-d', '1'], [g.root], { cwd: dir }), g.root)
      t.is(g.shown, duRun(['-sb'], [g.root], { cwd: dir }).lines[0]![1], g.root)
    }
  } finally {
    rm(dir)
  }
})

test('the backend is the one the environment asks for (edges)', (t) => {
  t.is(backend, process.env.DIRSIZE_NATIVE === '0' ? 'typescript' : 'native')
})
