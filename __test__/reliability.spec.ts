/**
 * Under load, churn, hostile trees and long runs: nothing breaks, nothing leaks.
 * The long-run and 1M-file cases run when DIRSIZE_LONG_TESTS=1 (.ci/run sets it).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import test from 'ava'

import { dirsize, type Progress } from 'dirsize'

import { awkwardTree, du, duBytes, duDisk, manyFiles, repoRoot, rm, tempDir } from './helpers/trees'
import { caps, serialIf, testIf } from './helpers/platform'

const longRuns = process.env.DIRSIZE_LONG_TESTS === '1'
const long = serialIf(longRuns)

function dirsizeThreads(): number {
  return fs.readdirSync('/proc/self/task').filter((t) => {
    try {
      return fs.readFileSync(`/proc/self/task/${t}/comm`, 'utf8').startsWith('dirsize-')
    } catch {
      return false
    }
  }).length
}

serialIf(caps.procfs)('64 concurrent scans: totals equal du, progress is per scan, one abort leaves the rest, one pool', async (t) => {
  const base = tempDir()
  try {
    const roots = Array.from({ length: 8 }, (_, i) => {
      const r = path.join(base, `r${i}`)
      manyFiles(path.join(r, 'x'), 200 + i * 50)
      awkwardTree(path.join(r, 'y'))
      return r
    })
    const want = new Map(roots.map((r) => [r, duBytes(r)]))
    const scans = Array.from({ length: 64 }, (_, i) => {
      const root = i < 32 ? roots[i % 8]! : roots[0]!
      const seen: Progress[] = []
      return { root, seen, promise: dirsize(root, { progressIntervalMs: 1, onProgress: (p) => seen.push(p) }) }
    })
    const ac = new AbortController()
    const aborted = dirsize('/usr', { threads: 1, signal: ac.signal })
    setTimeout(() => ac.abort(), 5)
    let maxThreads = 0
    const sampler = setInterval(() => (maxThreads = Math.max(maxThreads, dirsizeThreads())), 1)
    const results = await Promise.all(scans.map((s) => s.promise))
    clearInterval(sampler)
    await t.throwsAsync(aborted, { name: 'AbortError' })
    results.forEach((r, i) => {
      const s = scans[i]!
      t.is(r.bytes, want.get(s.root), `scan ${i}`)
      // A scan's progress never shows more than its own final totals, and ends on them.
      t.true(s.seen.every((p) => p.bytes <= r.bytes && p.files <= r.files), `scan ${i} progress`)
      t.is(s.seen.at(-1)!.bytes, r.bytes)
    })
    // One pool of the default size (4 per core, at most 64), however many scans share it.
    t.true(maxThreads <= Math.min(64, 4 * os.availableParallelism()), `${maxThreads} dirsize threads for 64 scans`)
  } finally {
    rm(base)
  }
})

test.serial('churn: another process creates, deletes and renames while scans run', async (t) => {
  const dir = tempDir()
  try {
    for (let i = 0; i < 20; i++) manyFiles(path.join(dir, `d${i}`), 100)
    const initial = 2000
    // Bounded: 3000 operations, then it stops by itself.
    const churn = spawn('python3', ['-c', `
import os, random, sys
root = sys.argv[1]; random.seed(7); made = 0
for i in range(3000):
    d = os.path.join(root, 'd%d' % random.randrange(20))
    op = random.randrange(4)
    try:
        if op == 0:
            open(os.path.join(d, 'n%d' % i), 'w').write('x' * 10); made += 1
        elif op == 1:
            names = os.listdir(d)
            if names: os.unlink(os.path.join(d, random.choice(names)))
        elif op == 2:
            names = os.listdir(d)
            if names: os.rename(os.path.join(d, random.choice(names)), os.path.join(root, 'd%d' % random.randrange(20), 'r%d' % i))
        else:
            sub = os.path.join(d, 's%d' % i); os.mkdir(sub); os.rmdir(sub)
    except OSError:
        pass
print(made)
`, dir])
    let made = ''
    churn.stdout.on('data', (b: Buffer) => (made += b.toString()))
    const done = new Promise<void>((resolve) => churn.on('exit', () => resolve()))
    let scans = 0
    let running = true
    void done.then(() => (running = false))
    while (running) {
      const r = await dirsize(dir, { threads: 2 })
      scans++
      t.true(r.errors.every((e) => e.code === 'ENOENT'), JSON.stringify(r.errors.slice(0, 3)))
      // 3000 operations create at most 3000 files: more would mean an entry counted twice.
      t.true(r.files <= initial + 3000)
    }
    await done
    const settled = await dirsize(dir)
    t.is(settled.bytes, duBytes(dir))
    t.true(scans > 0)
    t.log(`${scans} scans during churn; ${made.trim()} files made`)
  } finally {
    rm(dir)
  }
})

test.serial('a directory swapped for a symlink while scanning is never followed', async (t) => {
  const dir = tempDir()
  try {
    const swap = path.join(dir, 'swap')
    fs.mkdirSync(swap)
    fs.writeFileSync(path.join(swap, 'small'), 'x')
    const swapper = spawn('python3', ['-c', `
import os, sys, time
p = sys.argv[1]; tmp = p + '.tmp'
end = time.time() + 2
while time.time() < end:
    os.symlink('/usr/share', tmp); os.rename(tmp, p + '.link')
    os.rename(p, p + '.dir'); os.rename(p + '.link', p)
    os.rename(p, p + '.link'); os.rename(p + '.dir', p); os.unlink(p + '.link')
`, swap])
    const exited = new Promise<void>((resolve) => swapper.on('exit', () => resolve()))
    let running = true
    void exited.then(() => (running = false))
    let scans = 0
    while (running) {
      const r = await dirsize(dir, { threads: 2 })
      scans++
      // /usr/share is hundreds of MB; the tree itself a few KB.
      t.true(r.bytes < 1 << 20, `scan ${scans}: ${r.bytes} bytes`)
    }
    await exited
    t.true(scans > 5)
  } finally {
    rm(dir)
  }
})

testIf(caps.procfs)('/proc and /sys: scans complete in under 30 s, without following their links', async (t) => {
  for (const root of ['/proc', '/sys']) {
    const started = performance.now()
    const r = await dirsize(root)
    const ms = performance.now() - started
    t.true(ms < 30_000, `${root}: ${ms} ms`)
    t.true(r.files + r.dirs > 100, root)
    t.log(`${root}: ${r.files + r.dirs + r.symlinks} entries, ${r.errorCount} errors, ${ms.toFixed(0)} ms`)
  }
})

testIf(caps.procfs)('oneFileSystem stays off other mounts (/dev holds /dev/shm and /dev/pts), as du -x', async (t) => {
  const r = await dirsize('/dev', { oneFileSystem: true })
  t.is(r.bytes, duBytes('/dev', ['-x']))
  t.is(r.diskBytes, duDisk('/dev', ['-x']))
  const all = await dirsize('/dev')
  t.true(all.dirs > r.dirs)
  // /proc and /sys are other file systems than /: a -x scan of / never enters them.
  const dev = (p: string): number => fs.statSync(p).dev
  t.not(dev('/proc'), dev('/'))
  t.not(dev('/sys'), dev('/'))
})

test.serial('SIGINT: the CLI stops, prints what it has marked partial, and exits 130', async (t) => {
  const bin = path.join(repoRoot, 'bin', 'dirsize.js')
  const run = (args: string[], after: number): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args])
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
      setTimeout(() => child.kill('SIGINT'), after)
      child.on('exit', (code) => resolve({ code, stdout, stderr }))
    })
  // -l: each /usr is walked again (without it, a root already counted is skipped, as du).
  const roots = ['/usr', '/usr', '/usr', '/usr', '/usr', '/usr']
  const text = await run(['-l', '--threads', '1', ...roots], 1500)
  t.is(text.code, 130)
  const lines = text.stdout.trim().split('\n')
  t.true(lines.length >= 1 && lines.length < roots.length, text.stdout)
  t.regex(text.stderr, /interrupted/)
  const json = await run(['--json', '-l', '--threads', '1', ...roots], 1500)
  t.is(json.code, 130)
  t.is(json.stdout, '')
})

test('hostile names: exact in JSON, escaped in text, raw with -0', async (t) => {
  const dir = tempDir()
  try {
    const names = ['new\nline', 'tab\there', 'esc\x1b[31mred\x1b[0m', '<script>alert(1)', 'back\\slash']
    for (const n of names) fs.writeFileSync(path.join(dir, n), n)
    const bin = path.join(repoRoot, 'bin', 'dirsize.js')
    const json = JSON.parse(execFileSync(process.execPath, [bin, '--json', '--top', '10', dir], { encoding: 'utf8' })) as {
      roots: Array<{ largest: Array<{ path: string }> }>
    }
    t.deepEqual(json.roots[0]!.largest.map((f) => path.basename(f.path)).sort(), [...names].sort())
    const r = await dirsize(dir, { top: 10 })
    t.deepEqual(r.largest!.map((f) => path.basename(f.path)).sort(), [...names].sort())
    const text = execFileSync(process.execPath, [bin, '--top', '10', dir], { encoding: 'utf8' })
    t.false(text.includes('\x1b'))
    t.is(text.split('\n').filter(Boolean).length, 2 + names.length) // the root, the header, one per file
    t.regex(text, /new\\nline/)
    t.regex(text, /<script>alert\(1\)$/m) // plain text in a terminal; the HTML report escapes it
  } finally {
    rm(dir)
  }
})

serialIf(longRuns && caps.procfs)('5,000 sequential scans of a 1,000-file tree: fds and RSS come back to their level', (t) => {
  const dir = tempDir()
  try {
    manyFiles(dir, 1000)
    // In a process of its own (ava's own memory moves too), with gc on demand.
    const script = `const { dirsize } = require('dirsize'); const fs = require('fs'); (async () => {
      const at = {}; for (let i = 1; i <= 5000; i++) { await dirsize(${JSON.stringify(dir)}, { depth: 1, top: 5 });
        if (i === 100 || i === 1000 || i === 5000) { global.gc(); at[i] = { rss: process.memoryUsage.rss(), fds: fs.readdirSync('/proc/self/fd').length } } }
      console.log(JSON.stringify(at)) })()`
    const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], { cwd: repoRoot, encoding: 'utf8' })
    const at = JSON.parse(out) as Record<string, { rss: number; fds: number }>
    t.is(at[5000]!.fds, at[100]!.fds, 'open file descriptors')
    // RSS settles in steps, not per scan (measured over 24,000 scans: 59 MiB at 2,000, 73 at
    // 10,000, and 73 still at 24,000; the JS heap flat throughout): the allocator's arenas
    // across pool and libuv threads, and V8. So the bound is on growth after scan 1,000: a
    // leak of 6 KiB per scan or more passes it.
    const grew = (at[5000]!.rss - at[1000]!.rss) / 2 ** 20
    t.true(grew < 24, `RSS grew ${grew.toFixed(1)} MiB from scan 1,000 to 5,000`)
    t.log(`RSS ${(at[100]!.rss / 2 ** 20).toFixed(1)} / ${(at[1000]!.rss / 2 ** 20).toFixed(1)} / ${(at[5000]!.rss / 2 ** 20).toFixed(1)} MiB at scans 100 / 1,000 / 5,000; ${at[5000]!.fds} fds`)
  } finally {
    rm(dir)
  }
})

long('a scan of 1M files with depth 3 and top 100 stays under 150 MiB peak RSS', (t) => {
  const base = process.env.DIRSIZE_BENCH_DIR ?? path.join(os.tmpdir(), 'dirsize-bench')
  // The benchmark's balanced tree: generated once (about a minute), then reused.
  const trees = path.join(repoRoot, 'dist', 'src', 'bench', 'trees.js')
  const gen = `const t = require(${JSON.stringify(trees)}); console.log(t.generate(t.specs(false)[0], ${JSON.stringify(base)}, 1, () => {}))`
  const tree = execFileSync(process.execPath, ['-e', gen], { encoding: 'utf8' }).trim()
  const out = execFileSync(process.execPath, ['-e', `require('dirsize').dirsize(${JSON.stringify(tree)}, { depth: 3, top: 100 }).then((r) => console.log(JSON.stringify({ files: r.files, tree: r.tree.length, top: r.largest.length, rss: process.resourceUsage().maxRSS })))`], { cwd: repoRoot, encoding: 'utf8' })
  const r = JSON.parse(out) as { files: number; tree: number; top: number; rss: number }
  t.is(r.files, 1_000_000)
  t.is(r.top, 100)
  t.true(r.rss / 1024 < 150, `peak RSS ${(r.rss / 1024).toFixed(0)} MiB`)
  t.log(`peak RSS ${(r.rss / 1024).toFixed(0)} MiB, ${r.tree} tree entries`)
})
