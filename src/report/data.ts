/**
 * The report's data: each root's directories as a tree, bounded so the page stays small.
 * Directories come from the scan's per-directory totals (`depth`), the largest files from
 * `top`; a directory's own files that are not listed become one "(files)" leaf, and
 * children too small to see are folded into one "(other)" leaf per directory.
 */
import { type Counters, countersOf } from '../result'
import type { Groups, Result, RootResult } from '../types'

export interface ReportNode {
  name: string
  /** 'dir', 'file', or 'rest' (a directory's unlisted files, or folded small children). */
  kind: 'dir' | 'file' | 'rest'
  bytes: number
  diskBytes: number
  files: number
  children?: ReportNode[]
}

export interface ReportRoot extends Counters {
  path: string
  errors: Array<{ path: string; code: string; message: string }>
  tree: ReportNode
  largestDirs: Array<{ path: string; bytes: number; diskBytes: number; files: number }>
  largestFiles: Array<{ path: string; bytes: number; diskBytes: number }>
  /** A panel per `groupBy` key: its largest groups, the rest as one `(N more)` row. */
  groups: Array<{ by: string; rows: Array<{ key: string; bytes: number; diskBytes: number; files: number }> }>
}

export interface ReportData {
  generatedAt: string
  host: string
  cwd: string
  elapsedMs: number
  roots: ReportRoot[]
}

export interface Bounds {
  /** A child smaller than this share of its root (by disk usage) is folded into "(other)". */
  minShare: number
  /** Listed rows in the tables. */
  tableRows: number
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/')
  return i <= 0 ? (i === 0 ? '/' : '') : p.slice(0, i)
}

function basename(p: string): string {
  const i = p.lastIndexOf('/')
  return i < 0 ? p : p.slice(i + 1)
}

/** Builds one root's bounded tree from its per-directory totals and largest files. */
export function rootData(r: RootResult<number>, bounds: Bounds): ReportRoot {
  const tree = r.tree ?? []
  const nodes = new Map<string, ReportNode & { own: { bytes: number; diskBytes: number; files: number } }>()
  for (const e of tree) {
    nodes.set(e.path, { name: basename(e.path) || e.path, kind: 'dir', bytes: e.bytes, diskBytes: e.diskBytes, files: e.files, children: [], own: { bytes: e.bytes, diskBytes: e.diskBytes, files: e.files } })
  }
  const root = nodes.get(r.path) ?? { name: r.path, kind: 'dir' as const, bytes: r.bytes, diskBytes: r.diskBytes, files: r.files, children: [], own: { bytes: r.bytes, diskBytes: r.diskBytes, files: r.files } }
  root.name = r.path
  nodes.set(r.path, root)
  // Link each directory to its parent; what a child holds is not its parent's own.
  for (const [p, n] of nodes) {
    if (p === r.path) continue
    const parent = nodes.get(dirname(p))
    if (!parent) continue
    parent.children!.push(n)
    parent.own.bytes -= n.bytes
    parent.own.diskBytes -= n.diskBytes
    parent.own.files -= n.files
  }
  // The largest files become leaves of the deepest listed directory above them.
  for (const f of r.largest ?? []) {
    let dir = dirname(f.path)
    while (dir && !nodes.has(dir) && dir !== '/') dir = dirname(dir)
    const parent = nodes.get(dir)
    if (!parent || parent.own.files <= 0) continue
    parent.children!.push({ name: basename(f.path), kind: 'file', bytes: f.bytes, diskBytes: f.diskBytes, files: 1 })
    parent.own.bytes -= f.bytes
    parent.own.diskBytes -= f.diskBytes
    parent.own.files -= 1
  }
  const floor = Math.max(1, root.diskBytes * bounds.minShare)
  // A node with its children under the floor folded into one "(other)" (or "(files)") leaf.
  const foldSmall = (n: ReportNode & { own?: { bytes: number; diskBytes: number; files: number } }): ReportNode => {
    const out: ReportNode = { name: n.name, kind: n.kind, bytes: n.bytes, diskBytes: n.diskBytes, files: n.files }
    if (!n.children) return out
    const kept: ReportNode[] = []
    const rest = { bytes: n.own?.bytes ?? 0, diskBytes: n.own?.diskBytes ?? 0, files: n.own?.files ?? 0, folded: 0 }
    for (const c of n.children) {
      if (Math.max(c.diskBytes, c.bytes) >= floor) {
        kept.push(foldSmall(c))
      } else {
        rest.bytes += c.bytes
        rest.diskBytes += c.diskBytes
        rest.files += c.files
        rest.folded++
      }
    }
    kept.sort((a, b) => b.diskBytes - a.diskBytes || b.bytes - a.bytes)
    if (rest.bytes > 0 || rest.diskBytes > 0) {
      kept.push({ name: rest.folded ? '(other)' : '(files)', kind: 'rest', bytes: rest.bytes, diskBytes: rest.diskBytes, files: rest.files })
    }
    out.children = kept
    return out
  }
  return {
    path: r.path,
    ...countersOf(r),
    errors: r.errors.slice(0, bounds.tableRows).map((e) => ({ path: e.path, code: e.code, message: e.message })),
    tree: foldSmall(root),
    largestDirs: tree
      .filter((e) => e.path !== r.path)
      .sort((a, b) => b.diskBytes - a.diskBytes)
      .slice(0, bounds.tableRows)
      .map((e) => ({ path: e.path, bytes: e.bytes, diskBytes: e.diskBytes, files: e.files })),
    largestFiles: (r.largest ?? []).slice(0, bounds.tableRows).map((f) => ({ path: f.path, bytes: f.bytes, diskBytes: f.diskBytes })),
    groups: groupPanels(r.groups, GROUP_ROWS),
  }
}

/** Rows per group panel: a side panel, so fewer than the tables below the map. */
const GROUP_ROWS = 20

/** Each key's largest groups; the rest summed into one row, so a panel still adds up to its root. */
function groupPanels(groups: Groups | undefined, rows: number): ReportRoot['groups'] {
  return Object.entries(groups ?? {}).map(([by, list]) => {
    const shown = list.slice(0, rows).map((g) => ({ key: g.key, bytes: g.bytes, diskBytes: g.diskBytes, files: g.files }))
    const rest = list.slice(rows)
    if (rest.length > 0) {
      shown.push({
        key: `(${rest.length} more)`,
        bytes: rest.reduce((s, g) => s + g.bytes, 0),
        diskBytes: rest.reduce((s, g) => s + g.diskBytes, 0),
        files: rest.reduce((s, g) => s + g.files, 0),
      })
    }
    return { by, rows: shown }
  })
}

export function reportData(result: Result<number>, roots: RootResult<number>[], bounds: Bounds, host: string, cwd: string): ReportData {
  return {
    generatedAt: new Date().toISOString(),
    host,
    cwd,
    elapsedMs: result.elapsedMs,
    roots: roots.map((r) => rootData(r, bounds)),
  }
}
