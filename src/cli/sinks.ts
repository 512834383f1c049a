/**
 * The three ways the command prints a scan (text lines as du, one JSON document, JSON lines
 * as each root finishes) behind one interface: the run hands each a root at a time, then
 * the end or the interruption. Errors on stderr are the run's, the same for all three.
 */
import { type Counters, countersOf, entryCount } from '../result'
import type { GroupKey, Groups, RootResult } from '../types'

import { type Flags, filtering } from './args'
import { pathBytes, showPath } from './format'
import { toJson } from './json'
import type { Output } from './output'
import { formatSize } from './units'

type Root = RootResult<bigint>

/** What was counted of the root under way when Ctrl-C came. */
export interface PartialRoot {
  path: string
  pathBuffer?: Buffer
  bytes: bigint
  diskBytes: bigint
  /** Entries counted of it so far. */
  entries: number
}

export interface Sink {
  /** Whether an interruption shows the partial root (then the run answers the roots before it first). */
  readonly showsPartial: boolean
  /** A root's result, in the order the roots were given. */
  root(r: Root): void
  /** The scan is complete: the total of all roots, the scan's time, and its groups (--by). */
  end(total: Counters<bigint>, elapsedMs: number, groups?: Groups<bigint>): void
  /** Ctrl-C: `partial` when showsPartial and something of the root under way was counted. */
  interrupted(partial: PartialRoot | undefined): void
}

export function sinkFor(flags: Flags, output: Output): Sink {
  if (flags.json) return new JsonSink(output)
  if (flags.ndjson) return new NdjsonSink(output)
  return new TextSink(flags, output)
}

/** du's lines: size, tab, path; -d lines from the tree, the top list after its root. */
class TextSink implements Sink {
  readonly showsPartial = true
  private readonly eol: string

  constructor(private readonly flags: Flags, private readonly output: Output) {
    this.eol = flags.null ? '\0' : '\n'
  }

  root(r: Root): void {
    if (r.rootError) return // as du: the error on stderr, no line
    // Nothing counted and no error: the root was already counted under an earlier one, or
    // its name is excluded. du prints no line for it either. Under a file filter, nothing
    // matching is an answer (0), and gets its line.
    if (entryCount(r) === 0n && !filtering(this.flags)) return
    if (this.flags.depth !== undefined && r.tree) {
      for (const e of r.tree) this.line(this.size(e), e.path, e.pathBuffer)
    } else {
      this.line(this.size(r), r.path, r.pathBuffer)
    }
    if (r.largest && r.largest.length > 0) {
      this.output.out(`Largest files in ${showPath(r.path, r.pathBuffer)}:${this.eol}`)
      const width = this.flags.units.kind === 'human' ? 6 : 12
      for (const f of r.largest) this.line(`  ${this.size(f).padStart(width)}`, f.path, f.pathBuffer)
    }
  }

  end(total: Counters<bigint>, _elapsedMs: number, groups?: Groups<bigint>): void {
    if (this.flags.total) this.line(this.size(total), 'total')
    if (groups) this.groupTables(groups, this.flags.apparent ? total.bytes : total.diskBytes)
  }

  /** A table per --by key: key, size (in the lines' units), share of the total, entries. */
  private groupTables(groups: Groups<bigint>, whole: bigint): void {
    for (const by of this.flags.by) {
      const rows = (groups[by] ?? []).map((g) => {
        const size = this.flags.apparent ? g.bytes : g.diskBytes
        // Tenths of a percent, rounded half up, in exact integers.
        const permille = whole === 0n ? 0n : (size * 2000n + whole) / (2n * whole)
        return [showPath(g.key), this.size(g), `${permille / 10n}.${permille % 10n}%`, g.files.toString()]
      })
      const head = [GROUP_TITLES[by], 'size', 'share', 'entries']
      const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
      const line = (r: string[]): string => [r[0]!.padEnd(width[0]!), ...r.slice(1).map((c, i) => c.padStart(width[i + 1]!))].join('  ').trimEnd()
      this.output.out(`${this.eol}${line(head)}${this.eol}`)
      for (const r of rows) this.output.out(`${line(r)}${this.eol}`)
    }
  }

  interrupted(partial: PartialRoot | undefined): void {
    if (!partial) {
      this.output.err('dirsize: interrupted\n')
      return
    }
    this.line(this.size(partial), partial.path, partial.pathBuffer)
    this.output.err(`dirsize: interrupted: the last line is partial (${partial.entries.toLocaleString('en-US')} entries counted so far)\n`)
  }

  private size(r: { bytes: bigint; diskBytes: bigint }): string {
    return formatSize(this.flags.apparent ? r.bytes : r.diskBytes, this.flags.units)
  }

  private line(n: string, path: string, raw?: Buffer): void {
    if (this.flags.null) {
      this.output.out(Buffer.concat([Buffer.from(`${n}\t`), pathBytes(path, raw), Buffer.from(this.eol)]))
    } else {
      this.output.out(`${n}\t${showPath(path, raw)}${this.eol}`)
    }
  }
}

const GROUP_TITLES: Record<GroupKey, string> = { extension: 'extension', type: 'type', owner: 'owner', group: 'group', age: 'age' }

/** --json: one document at the end, so an interrupted scan prints none (no half document). */
class JsonSink implements Sink {
  readonly showsPartial = false
  private readonly roots: object[] = []

  constructor(private readonly output: Output) {}

  root(r: Root): void {
    this.roots.push(rootJson(r))
  }

  end(total: Counters<bigint>, elapsedMs: number, groups?: Groups<bigint>): void {
    this.output.out(`${toJson({ roots: this.roots, total, ...(groups ? { groups } : {}), elapsedMs: roundMs(elapsedMs) }, true)}\n`)
  }

  interrupted(): void {}
}

/** --ndjson: a line per root as it finishes, then a total line. */
class NdjsonSink implements Sink {
  readonly showsPartial = false

  constructor(private readonly output: Output) {}

  root(r: Root): void {
    this.output.out(`${toJson(rootJson(r))}\n`)
  }

  /** The scan's groups, a line each (`{"group": key, ...group}`), then the total line. */
  end(total: Counters<bigint>, elapsedMs: number, groups?: Groups<bigint>): void {
    for (const [by, list] of Object.entries(groups ?? {})) {
      for (const g of list) this.output.out(`${toJson({ group: by, ...g })}\n`)
    }
    this.output.out(`${toJson({ total, elapsedMs: roundMs(elapsedMs) })}\n`)
  }

  interrupted(): void {
    this.output.err('dirsize: interrupted\n')
  }
}

/** Microseconds are the most a JSON reader can use of the scan's time. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/** A root as JSON: exact integers; a path that is not UTF-8 also comes as base64. */
function rootJson(r: Root): object {
  const withRaw = <T extends { pathBuffer?: Buffer }>(v: T): object => {
    const { pathBuffer, ...rest } = v
    return pathBuffer ? { ...rest, pathBase64: pathBuffer.toString('base64') } : rest
  }
  const doc: Record<string, unknown> = {
    path: r.path,
    ...countersOf(r),
    errors: r.errors.map((e) => withRaw({ path: e.path, pathBuffer: e.pathBuffer, code: e.code, message: e.message })),
  }
  if (r.pathBuffer) doc.pathBase64 = r.pathBuffer.toString('base64')
  if (r.tree) doc.tree = r.tree.map(withRaw)
  if (r.largest) doc.largest = r.largest.map(withRaw)
  if (r.groups) doc.groups = r.groups
  return doc
}
