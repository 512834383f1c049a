/** The benchmark's outputs: a table per tree, the raw JSON, and an SVG chart. */
import type { Machine } from './machine'

export interface Row {
  tool: string
  threads?: number
  /** A line of the chart (time against workers), and its x. */
  approach?: string
  workers?: number
  times: number[]
  medianMs: number
  minMs: number
  maxMs: number
  entriesPerSec: number
  /** Serial dirsize time / this tool's time. */
  speedup: number
  /** speedup / threads, for the dirsize thread sweep. */
  efficiency?: number
  peakRssMiB?: number
  bytes: number
  /** Its total equals du -sb's. */
  agrees: boolean
}

export interface TreeResult {
  shape: string
  path: string
  entries: number
  /** du -sb of the tree (or dirsize's serial total where du is missing). */
  referenceBytes: number
  rows: Row[]
  failed: Array<{ tool: string; reason: string }>
}

export interface BenchResults {
  machine: Machine
  options: { quick: boolean; cold: boolean; rounds: number; warmup: number; seed: number; threads: number[] }
  startedAt: string
  trees: TreeResult[]
  skipped: Array<{ tool: string; reason: string }>
}

export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)
}

function fmtRate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : n.toFixed(0)
}

/** A plain-text table per tree, aligned, with the machine on top. */
export function table(r: BenchResults): string {
  const m = r.machine
  const out = [
    `machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, ${m.kernel}, ${m.filesystem}, node ${m.node}`,
    `${r.options.cold ? 'cold cache (dropped before each run)' : 'warm cache'}, median of ${r.options.rounds} rounds after ${r.options.warmup} warm-up`,
  ]
  for (const t of r.trees) {
    out.push('', `${t.shape}: ${t.entries.toLocaleString('en-US')} entries, ${t.referenceBytes.toLocaleString('en-US')} bytes (${t.path})`)
    const head = ['tool', 'median ms', 'min', 'max', 'entries/s', 'speedup', 'efficiency', 'peak RSS MiB', 'total = du']
    const rows = t.rows.map((x) => [
      x.tool, fmtMs(x.medianMs), fmtMs(x.minMs), fmtMs(x.maxMs), fmtRate(x.entriesPerSec), `${x.speedup.toFixed(2)}x`,
      x.efficiency === undefined ? '' : `${(x.efficiency * 100).toFixed(0)}%`, x.peakRssMiB === undefined ? '?' : x.peakRssMiB.toFixed(0),
      x.agrees ? 'yes' : `NO (${x.bytes.toLocaleString('en-US')})`,
    ])
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
    out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line))
    for (const f of t.failed) out.push(`  ${f.tool}: failed: ${f.reason}`)
  }
  if (r.skipped.length) out.push('', 'skipped:', ...r.skipped.map((s) => `  ${s.tool}: ${s.reason}`))
  return out.join('\n')
}

/** Time per tool for each tree, and time against workers, one line per approach (threads or processes). */
export async function chart(r: BenchResults): Promise<string> {
  const vega = await import('vega')
  const vl = await import('vega-lite')
  const times = r.trees.flatMap((t) => t.rows.map((x) => ({ tree: t.shape, tool: x.tool, ms: x.medianMs })))
  const lines = r.trees.flatMap((t) => t.rows.filter((x) => x.approach !== undefined && x.workers !== undefined).map((x) => ({ tree: t.shape, approach: x.approach!, workers: x.workers!, ms: x.medianMs })))
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `dirsize benchmark: ${r.machine.cores} cores, ${r.options.cold ? 'cold' : 'warm'} cache`,
    // Tools colour the bars, trees the lines: two colour scales, each with its own legend.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: [
      {
        title: 'Median wall time per tool (ms; each tree on its own scale)',
        data: { values: times },
        facet: { row: { field: 'tree', type: 'nominal', title: null } },
        spec: {
          width: 420,
          layer: [
            {
              mark: 'bar',
              encoding: {
                // Whole labels: tool names are long, and cut ones ("TypeScript workers…") name nothing.
                y: { field: 'tool', type: 'nominal', sort: null, title: null, axis: { labelLimit: 0 } },
                x: { field: 'ms', type: 'quantitative', title: 'ms' },
                color: { field: 'tool', type: 'nominal', legend: null },
              },
            },
            {
              mark: { type: 'text', align: 'left', dx: 3 },
              encoding: {
                y: { field: 'tool', type: 'nominal', sort: null },
                x: { field: 'ms', type: 'quantitative' },
                text: { field: 'ms', type: 'quantitative', format: '.1f' },
              },
            },
          ],
        },
        resolve: { scale: { x: 'independent' } },
      },
      {
        title: 'Median wall time against workers (threads or processes), one line per approach',
        data: { values: lines },
        facet: { row: { field: 'tree', type: 'nominal', title: null } },
        spec: {
          width: 360,
          height: 220,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'workers', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'workers (threads or processes)' },
            y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log)' },
            color: { field: 'approach', type: 'nominal', legend: { orient: 'right', labelLimit: 0 } },
          },
        },
        resolve: { scale: { y: 'independent' } },
      },
    ],
  }
  const view = new vega.View(vega.parse(vl.compile(spec as Parameters<typeof vl.compile>[0]).spec), { renderer: 'none' })
  return view.toSVG()
}
