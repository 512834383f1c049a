/**
 * `dirsize diff OLD NEW`: what changed between two scans, each a saved scan or a live path.
 * Lines as du's (size, tab, path), with the change in files and what happened between: the
 * largest change first, then the totals before and after and the total change.
 */
import fs from 'node:fs'
import { parseArgs } from 'node:util'

import type { DiffResult } from '../diff'

import { showPath } from './format'
import { toJson } from './json'
import type { Output } from './output'
import { BYTES, formatSize, HUMAN, KIB, MIB, parseBlockSize, SI, type Units } from './units'

export const DIFF_USAGE = 'Usage: dirsize diff [options] OLD NEW'

export const DIFF_HELP = `${DIFF_USAGE}

What changed between two scans of a tree. OLD and NEW are each a saved scan (a file
written by dirsize -o, ncdu -o or gdu -o; .gz too) or a directory, scanned now. Entries are
matched by their path below the root, so the two roots may have different paths.

Each line: the change in size, the change in regular files, what happened (added,
removed, changed), the path (the old one for what was removed). Directories and the
other entries down to depth N, largest change first; then the totals before and after,
and the total change. A renamed directory is one removed and one added.

Options:
  -d, --max-depth <N>    directories and files down to depth N (default: 2)
  -b, --bytes            apparent sizes in bytes; sort by them
  --apparent-size        apparent sizes instead of disk usage; sort by them
  -h, --human-readable   sizes like 1.5K 234M (the default, unless -b)
  --si                   like -h, in powers of 1000
  -B, --block-size <SIZE>
                         sizes in units of SIZE bytes, rounded up, as du -B
  -k, -m                 like --block-size=1K, 1M
  -l, --count-links      count sizes many times if hard linked
  --json                 one JSON document: both sides, the change, every entry
  --ndjson               one JSON line per entry, then a line of totals
  --html <FILE>          also write a treemap of the growth to FILE
  --help                 show this help

Examples:
  dirsize -o last-week.json /srv        (a week ago)
  dirsize diff last-week.json /srv      what changed since, down to depth 2
  dirsize diff --json -d 3 a.json b.json | jq '.entries[] | select(.status == "added")'

Exit status: 0 when both sides were read whole, 1 if an entry of either could not be read
or a saved scan is damaged, 2 on bad usage.
`

interface DiffFlags {
  depth: number
  units: Units
  apparent: boolean
  countLinks: boolean
  json: boolean
  ndjson: boolean
  html?: string
  sides: [string, string]
}

type Parsed = { kind: 'run'; flags: DiffFlags } | { kind: 'help' } | { kind: 'usage'; message: string }

export function parseDiff(argv: string[]): Parsed {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      tokens: true,
      options: {
        'max-depth': { type: 'string', short: 'd' },
        bytes: { type: 'boolean', short: 'b' },
        'apparent-size': { type: 'boolean' },
        'human-readable': { type: 'boolean', short: 'h' },
        si: { type: 'boolean' },
        'block-size': { type: 'string', short: 'B' },
        k: { type: 'boolean', short: 'k' },
        m: { type: 'boolean', short: 'm' },
        'count-links': { type: 'boolean', short: 'l' },
        json: { type: 'boolean' },
        ndjson: { type: 'boolean' },
        html: { type: 'string' },
        help: { type: 'boolean' },
      },
    })
  } catch (e) {
    return { kind: 'usage', message: `dirsize diff: ${(e as Error).message.split('\n')[0]}` }
  }
  const flags: DiffFlags = { depth: 2, units: HUMAN, apparent: false, countLinks: false, json: false, ndjson: false, sides: ['', ''] }
  // The last unit flag wins, as du's.
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue
    switch (t.name) {
      case 'help':
        return { kind: 'help' }
      case 'max-depth': {
        const v = t.value ?? ''
        if (!/^\d+$/.test(v) || Number(v) > 0xffff_ffff) return { kind: 'usage', message: `dirsize diff: -d: expected an integer from 0 to 4294967295, got '${v}'` }
        flags.depth = Number(v)
        break
      }
      case 'bytes':
        flags.units = BYTES
        flags.apparent = true
        break
      case 'apparent-size': flags.apparent = true; break
      case 'human-readable': flags.units = HUMAN; break
      case 'si': flags.units = SI; break
      case 'k': flags.units = KIB; break
      case 'm': flags.units = MIB; break
      case 'block-size': {
        const u = parseBlockSize(t.value ?? '')
        if (typeof u === 'string') return { kind: 'usage', message: `dirsize diff: -B: invalid size '${t.value ?? ''}'` }
        flags.units = u
        break
      }
      case 'count-links': flags.countLinks = true; break
      case 'json': flags.json = true; break
      case 'ndjson': flags.ndjson = true; break
      case 'html': flags.html = t.value; break
    }
  }
  if (flags.json && flags.ndjson) return { kind: 'usage', message: 'dirsize diff: --json and --ndjson cannot be used together' }
  if (parsed.positionals.length !== 2) {
    return { kind: 'usage', message: `dirsize diff: expected OLD and NEW (two saved scans or paths), got ${parsed.positionals.length} argument${parsed.positionals.length === 1 ? '' : 's'}` }
  }
  flags.sides = [parsed.positionals[0]!, parsed.positionals[1]!]
  return { kind: 'run', flags }
}

/** Runs `dirsize diff`; resolves with the exit code. */
export async function runDiff(argv: string[], output: Output): Promise<number> {
  const parsed = parseDiff(argv)
  if (parsed.kind === 'help') {
    output.out(DIFF_HELP)
    return 0
  }
  if (parsed.kind === 'usage') {
    output.err(`${parsed.message}\n${DIFF_USAGE}\nTry 'dirsize diff --help' for more information.\n`)
    return 2
  }
  const f = parsed.flags
  const { diff } = require('../diff') as typeof import('../diff')
  let d: DiffResult<bigint>
  try {
    d = await diff(f.sides[0], f.sides[1], { depth: f.depth, countLinks: f.countLinks, bigint: true })
  } catch (e) {
    output.err(`dirsize: ${(e as Error).message}\n`)
    return 1
  }
  for (const s of [d.old, d.new]) {
    for (const e of s.errors) output.err(`dirsize: cannot read '${showPath(e.path, e.pathBuffer)}': ${e.message}\n`)
    if (s.errorCount > s.errors.length) output.err(`dirsize: ... and ${s.errorCount - s.errors.length} more errors\n`)
  }
  const measure = (s: { bytes: bigint; diskBytes: bigint }): bigint => (f.apparent ? s.bytes : s.diskBytes)
  // Sorted by what is shown: apparent sizes with -b / --apparent-size.
  const entries = f.apparent ? [...d.entries].sort((p, q) => cmpAbs(measure(q.change), measure(p.change))) : d.entries
  if (f.json) {
    output.out(`${toJson(jsonOf({ ...d, entries }), true)}\n`)
  } else if (f.ndjson) {
    for (const e of entries) output.out(`${toJson(withBase64(e))}\n`)
    output.out(`${toJson({ old: sideJson(d.old), new: sideJson(d.new), change: d.change })}\n`)
  } else {
    const signed = (v: bigint): string => (v < 0n ? `-${formatSize(-v, f.units)}` : `+${formatSize(v, f.units)}`)
    const count = (v: bigint): string => (v < 0n ? `${v}` : `+${v}`)
    for (const e of entries) output.out(`${signed(measure(e.change))}\t${count(e.change.files)}\t${e.status}\t${showPath(e.path, e.pathBuffer)}\n`)
    output.out(`${formatSize(measure(d.old), f.units)}\t${d.old.files}\tbefore\t${showPath(d.old.path, d.old.pathBuffer)}\n`)
    output.out(`${formatSize(measure(d.new), f.units)}\t${d.new.files}\tafter\t${showPath(d.new.path, d.new.pathBuffer)}\n`)
    output.out(`${signed(measure(d.change))}\t${count(d.change.files)}\ttotal\n`)
  }
  if (f.html !== undefined) {
    const { renderGrowth } = require('../report/growth') as typeof import('../report/growth')
    try {
      fs.writeFileSync(f.html, renderGrowth(d, f.apparent))
    } catch (e) {
      output.err(`dirsize: --html: ${(e as Error).message}\n`)
      return 1
    }
    output.err(`dirsize: wrote ${f.html}\n`)
  }
  return d.old.errorCount + d.new.errorCount > 0 ? 1 : 0
}

function cmpAbs(a: bigint, b: bigint): number {
  const x = a < 0n ? -a : a
  const y = b < 0n ? -b : b
  return x === y ? 0 : x > y ? 1 : -1
}

/** A path that is not UTF-8 also comes as base64 (as the scan's JSON). */
function withBase64<T extends { pathBuffer?: Buffer }>(v: T): object {
  const { pathBuffer, ...rest } = v
  return pathBuffer ? { ...rest, pathBase64: pathBuffer.toString('base64') } : rest
}

function sideJson(s: DiffResult<bigint>['old']): object {
  const { errors, ...rest } = s
  return { ...withBase64(rest), errors: errors.map((e) => withBase64({ path: e.path, pathBuffer: e.pathBuffer, code: e.code, message: e.message })) }
}

function jsonOf(d: DiffResult<bigint>): object {
  return { old: sideJson(d.old), new: sideJson(d.new), change: d.change, entries: d.entries.map(withBase64), elapsedMs: Math.round(d.elapsedMs * 1000) / 1000 }
}
