/** The benchmark harness, in --quick mode on a tiny tree: its JSON has the promised shape. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { duBytes, manyFiles, repoRoot, rm, tempDir } from './helpers/trees'
import { caps, testIf } from './helpers/platform'
import { PEERS as PEER_TOOLS } from '../src/bench/tools'

const PEERS = new Set(PEER_TOOLS.map((p) => p.label))

test('dirsize bench --quick --path DIR --out DIR writes the table, results.json and chart.svg', (t) => {
  const dir = tempDir()
  const out = tempDir()
  try {
    manyFiles(path.join(dir, 'tree'), 50)
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'dirsize.js'), 'bench', '--quick', '--rounds', '1', '--path', path.join(dir, 'tree'), '--out', out],
      { encoding: 'utf8', timeout: 120_000 })
    t.is(r.status, 0, r.stderr)
    t.regex(r.stdout, /^machine: \d+ cores/m)
    t.regex(r.stdout, /dirsize threads=1/)
    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as {
      machine: Record<string, unknown>
      options: { threads: number[]; rounds: number }
      trees: Array<{ entries: number; referenceBytes: number; rows: Array<Record<string, unknown>> }>
      skipped: Array<{ tool: string; reason: string }>
    }
    for (const k of ['cores', 'cpu', 'kernel', 'filesystem', 'node']) t.truthy(json.machine[k], k)
    t.is(json.options.threads[0], 1)
    t.is(json.trees.length, 1)
    const tree = json.trees[0]!
    t.is(tree.entries, 51)
    t.is(tree.referenceBytes, duBytes(path.join(dir, 'tree')))
    const tools = tree.rows.map((row) => row.tool)
    t.true(tools.includes('dirsize threads=1'))
    t.true(tools.includes('du -sb'))
    // Threads or processes: every approach has its rows, each with its line and x in the chart.
    const hasPython = spawnSync('sh', ['-c', 'command -v python3']).status === 0
    for (const label of ['TypeScript serial (async fs)', 'TypeScript workers=1', 'TypeScript workers=1 message per file', ...(hasPython ? ['Python os.walk serial', 'Python ProcessPool workers=1 chunk=1024'] : [])]) {
      t.true(tools.includes(label), label)
    }
    for (const c of [16, 64, 256, 1024]) t.true(tools.some((x) => /^dirsize threads=\d+ chunk=/.test(x) && x.endsWith(`chunk=${c}`)), `chunk ${c}`)
    for (const row of tree.rows.filter((x) => String(x.tool).startsWith('TypeScript') || String(x.tool).startsWith('Python'))) {
      t.is(typeof row.approach, 'string', String(row.tool))
      t.is(typeof row.workers, 'number', String(row.tool))
    }
    for (const row of tree.rows) {
      t.true(Array.isArray(row.times) && (row.times as number[]).length === 1)
      for (const k of ['medianMs', 'minMs', 'maxMs', 'entriesPerSec', 'speedup', 'bytes']) t.is(typeof row[k], 'number', `${String(row.tool)}.${k}`)
      t.is(typeof row.agrees, 'boolean')
      // The native peers (dua, diskus...) have rules of their own (dua leaves the root
      // directory out); everything that promises du's total must give it.
      if (!PEERS.has(String(row.tool))) t.true(row.agrees, `${String(row.tool)} agrees with du`)
    }
    t.true(Array.isArray(json.skipped))
    t.regex(fs.readFileSync(path.join(out, 'chart.svg'), 'utf8'), /^<svg /)
  } finally {
    rm(dir)
    rm(out)
  }
})

testIf(caps.asNobody)('--cold without root: a clear message and exit 2', (t) => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(repoRoot, 'bin', 'dirsize.js'), 'bench', '--cold', '--quick'],
    { encoding: 'utf8' })
  t.is(r.status, 2)
  t.regex(r.stderr, /--cold: dropping the page cache needs root/)
})
