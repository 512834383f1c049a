#!/usr/bin/env node
// The performance targets of the README, measured side by side in one run: interleaved
// rounds, medians. Uses the trees and the floor.c binary `npm run bench` leaves under the
// temp directory (run it once first).
//
//   node scripts/targets.mjs warm            whole processes: dirsize, --threads 1, floor.c, du
//   node scripts/targets.mjs inproc          dirsize() in one Node process, threads 1 and default
//   node scripts/targets.mjs tiny            the 100-file tree, threads 1/2/4/8, medians of 1001
//   node scripts/targets.mjs peers DIR...    whole processes: dirsize -b against du and the native
//                                            tools installed (diskus, dua, pdu, dust, gdu)
//   node scripts/targets.mjs cold DIR [N]    page cache dropped before each run (root only):
//                                            du, floor.c 8/16 threads, the whole dirsize process,
//                                            and dirsize() inside one process
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const bin = path.join(repo, 'bin', 'dirsize.js')
const base = path.join(os.tmpdir(), 'dirsize-bench')
const floor = path.join(os.tmpdir(), 'dirsize-bench-floor')
const trees = {
  balanced: path.join(base, 'balanced-1000000-seed1'),
  wide: path.join(base, 'wide-200000-seed1'),
  deep: path.join(base, 'deep-200000-seed1'),
  tiny: path.join(base, 'tiny-100-seed1'),
}
const { dirsize } = createRequire(import.meta.url)(repo)

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1]
const fmt = (v) => `${median(v).toFixed(0)} ms [${v.map((x) => x.toFixed(0)).join(' ')}]`
function run(argv, env = process.env) {
  const t = process.hrtime.bigint()
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env })
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`)
  return Number(process.hrtime.bigint() - t) / 1e6
}
function dropCaches() {
  execFileSync('sync')
  fs.writeFileSync('/proc/sys/vm/drop_caches', '3')
}
function need(...paths) {
  for (const p of paths) if (!fs.existsSync(p)) throw new Error(`${p} is missing: run \`npm run bench\` once first`)
}

/** Each command once per round, in turn; a warm-up round first unless cold. */
function rounds(cmds, n, cold, env) {
  const times = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]))
  if (!cold) for (const k in cmds) run(cmds[k], env)
  for (let i = 0; i < n; i++) {
    for (const k in cmds) {
      if (cold) dropCaches()
      times[k].push(run(cmds[k], env))
    }
  }
  for (const k in cmds) console.log(`  ${k.padEnd(22)} ${fmt(times[k])}`)
  return Object.fromEntries(Object.keys(times).map((k) => [k, median(times[k])]))
}

const mode = process.argv[2] ?? 'warm'
if (mode === 'warm') {
  need(floor, ...Object.values(trees))
  const node = process.execPath
  console.log('1M files in directories of 100 (whole processes, median of 7)')
  let r = rounds({ dirsize: [node, bin, trees.balanced], 'floor.c 2 threads': [floor, trees.balanced, '2'], 'du -sb': ['du', '-sb', trees.balanced] }, 7)
  console.log(`  -> dirsize / floor.c ${(r.dirsize / r['floor.c 2 threads']).toFixed(3)}x, dirsize / du ${(r.dirsize / r['du -sb']).toFixed(3)}x`)
  console.log('200k files in one directory')
  r = rounds({ dirsize: [node, bin, trees.wide], 'dirsize --threads 1': [node, bin, '--threads', '1', trees.wide], 'du -sb': ['du', '-sb', trees.wide] }, 7)
  console.log(`  -> threads 1 / default ${(r['dirsize --threads 1'] / r.dirsize).toFixed(3)}x, dirsize / du ${(r.dirsize / r['du -sb']).toFixed(3)}x`)
  console.log('250 chains 200 directories deep')
  r = rounds({ dirsize: [node, bin, trees.deep], 'floor.c 2 threads': [floor, trees.deep, '2'], 'du -sb': ['du', '-sb', trees.deep] }, 7)
  console.log(`  -> dirsize / floor.c ${(r.dirsize / r['floor.c 2 threads']).toFixed(3)}x, dirsize / du ${(r.dirsize / r['du -sb']).toFixed(3)}x`)
} else if (mode === 'inproc') {
  need(...Object.values(trees))
  for (const [name, dir] of Object.entries(trees)) {
    if (name === 'tiny') continue
    const times = { 1: [], 2: [], default: [] }
    for (const th of Object.keys(times)) await dirsize(dir, { threads: th === 'default' ? undefined : Number(th) })
    for (let i = 0; i < 7; i++) {
      for (const th of Object.keys(times)) {
        const t = performance.now()
        await dirsize(dir, { threads: th === 'default' ? undefined : Number(th) })
        times[th].push(performance.now() - t)
      }
    }
    console.log(`${name}: threads 1 ${fmt(times[1])}; 2 ${fmt(times[2])}; default ${fmt(times.default)}; 1 -> 2: ${(median(times[1]) / median(times[2])).toFixed(2)}x`)
  }
} else if (mode === 'tiny') {
  need(trees.tiny)
  const out = {}
  for (let rep = 0; rep < 3; rep++) {
    for (const threads of [1, 2, 4, 8]) {
      for (let i = 0; i < 50; i++) await dirsize(trees.tiny, { threads })
      const v = []
      for (let i = 0; i < 1001; i++) {
        const t = performance.now()
        await dirsize(trees.tiny, { threads })
        v.push(performance.now() - t)
      }
      ;(out[threads] ??= []).push(median(v))
    }
  }
  for (const k in out) console.log(`threads ${k}: ${out[k].map((x) => x.toFixed(3)).join(' ')} ms (medians of 1001, three times)`)
} else if (mode === 'cold') {
  const dir = process.argv[3]
  const n = Number(process.argv[4] ?? 5)
  if (!dir) throw new Error('usage: targets.mjs cold DIR [ROUNDS]')
  need(floor, dir)
  if (process.getuid?.() !== 0) throw new Error('cold runs drop the page cache: run as root')
  console.log(`${dir}, cold (median of ${n}; whole processes)`)
  const r = rounds({ 'du -sb': ['du', '-sb', dir], 'floor.c 8 threads': [floor, dir, '8'], 'floor.c 16 threads': [floor, dir, '16'], dirsize: [process.execPath, bin, dir] }, n, true)
  const inproc = []
  await dirsize(trees.tiny, {}) // the pool is up, as in a process that scans more than once
  for (let i = 0; i < n; i++) {
    dropCaches()
    const t = performance.now()
    await dirsize(dir)
    inproc.push(performance.now() - t)
  }
  console.log(`  ${'dirsize() in-process'.padEnd(22)} ${fmt(inproc)}`)
  const du = r['du -sb']
  console.log(`  -> faster than du: dirsize ${(du / r.dirsize).toFixed(2)}x, in-process ${(du / median(inproc)).toFixed(2)}x, floor.c 8 threads ${(du / r['floor.c 8 threads']).toFixed(2)}x, 16 threads ${(du / r['floor.c 16 threads']).toFixed(2)}x`)
} else if (mode === 'peers') {
  // The whole dirsize process against the native tools (the harness's PEERS rows), each asked
  // for apparent bytes, interleaved, warm. Node's start-up is part of dirsize's time: run
  // this without NODE_EXTRA_CA_CERTS (users do not have it; it costs Node ~50 ms).
  const dirs = process.argv.slice(3)
  const n = Number(process.env.ROUNDS ?? 9)
  if (dirs.length === 0) throw new Error('usage: targets.mjs peers DIR... (ROUNDS=9)')
  const { PEERS } = createRequire(import.meta.url)(path.join(repo, 'dist', 'src', 'bench', 'tools.js'))
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS
  for (const dir of dirs) {
    const cmds = { 'dirsize -b': [process.execPath, bin, '-b', dir], 'du -sb': ['du', '-sb', dir] }
    for (const p of PEERS) if (spawnSync('sh', ['-c', `command -v ${p.bin}`]).status === 0) cmds[p.label] = [p.bin, ...p.args, dir]
    console.log(`${dir} (whole processes, warm, median of ${n})`)
    const r = rounds(cmds, n, false, env)
    const others = Object.entries(r).filter(([k]) => k !== 'dirsize -b')
    const [bestName, best] = others.reduce((a, b) => (b[1] < a[1] ? b : a))
    console.log(`  -> dirsize / fastest other (${bestName}) ${(r['dirsize -b'] / best).toFixed(3)}x`)
  }
} else {
  console.error(`unknown mode ${mode}: warm, inproc, tiny, cold DIR or peers DIR...`)
  process.exit(2)
}
