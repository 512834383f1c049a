/**
 * `dirsize diff --html`: the growth between two scans as the report's treemap. A treemap draws
 * only what is positive, so each directory's area is its gross growth: what grew inside it
 * (its own entries' net change when positive, plus its subdirectories' gross growth); what
 * shrank or went away is in the text and JSON output, not drawn.
 */
import type { DiffResult, Sizes } from '../diff'
import type { Result, RootResult, TreeEntry } from '../types'

import { renderReport } from './index'

function dirname(p: string): string {
  const i = p.lastIndexOf('/')
  return i <= 0 ? (i === 0 ? '/' : '') : p.slice(0, i)
}

export function renderGrowth(d: DiffResult<bigint>, apparent: boolean): string {
  const dirs = d.entries.filter((e) => e.kind === 'dir' && e.status !== 'removed')
  const change = new Map<string, Sizes<bigint>>()
  for (const e of d.entries) if (e.kind === 'dir') change.set(e.path, e.change)
  // Deepest first: a directory's children are done before it.
  const gross = new Map<string, Sizes<bigint>>()
  const children = new Map<string, Sizes<bigint>>()
  for (const e of [...d.entries].filter((x) => x.kind === 'dir').sort((a, b) => b.depth - a.depth)) {
    const sum = children.get(e.path) ?? { bytes: 0n, diskBytes: 0n, files: 0n }
    const below = [...change.entries()].filter(([p]) => dirname(p) === e.path)
    const own = { ...e.change }
    for (const [, c] of below) {
      own.bytes -= c.bytes
      own.diskBytes -= c.diskBytes
      own.files -= c.files
    }
    const pos = (v: bigint): bigint => (v > 0n ? v : 0n)
    const g = { bytes: pos(own.bytes) + sum.bytes, diskBytes: pos(own.diskBytes) + sum.diskBytes, files: pos(own.files) + sum.files }
    if (e.status !== 'removed') gross.set(e.path, g)
    const parent = dirname(e.path)
    const acc = children.get(parent) ?? { bytes: 0n, diskBytes: 0n, files: 0n }
    if (e.status !== 'removed') {
      acc.bytes += g.bytes
      acc.diskBytes += g.diskBytes
      acc.files += g.files
    }
    children.set(parent, acc)
  }
  const rootPath = d.new.path
  const top = gross.get(rootPath) ?? { bytes: 0n, diskBytes: 0n, files: 0n }
  const n = (v: bigint): number => Number(v)
  // The page sizes its map by disk usage; with apparent sizes, both measures are the apparent growth.
  const pick = (g: Sizes<bigint>): { bytes: number; diskBytes: number; files: number } => ({
    bytes: n(g.bytes),
    diskBytes: n(apparent ? g.bytes : g.diskBytes),
    files: n(g.files),
  })
  const tree: TreeEntry<number>[] = dirs
    .filter((e) => gross.has(e.path))
    .map((e) => ({ path: e.path, depth: e.depth, ...pick(gross.get(e.path)!) }))
  const sums = pick(top)
  const root: RootResult<number> = { path: rootPath, ...sums, dirs: 0, symlinks: 0, others: 0, errors: [], errorCount: 0, tree }
  const result: Result<number> = { ...sums, dirs: 0, symlinks: 0, others: 0, errors: [], errorCount: 0, elapsedMs: d.elapsedMs, backend: 'native', tree }
  return renderReport(result, [root])
}
