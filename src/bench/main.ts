/**
 * `npm run bench` / `dirsize bench`: dirsize serial against parallel, and against the tools
 * people use today, on generated trees (or a real one), with medians, RSS and agreement.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { parseArgs } from 'node:util'

import { dirsizeSync } from '../api'
import { entryCount } from '../result'

import { cannotDrop } from './cache'
import { machine } from './machine'
import { type BenchResults, chart, median, type Row, table, type TreeResult } from './table'
import { approaches } from './approaches'
import { lineup } from './tools'
import { generate, specs } from './trees'

interface Flags {
  quick?: boolean
  path?: string[]
  out?: string
  cold?: boolean
  rounds?: number
  seed: number
  dir?: string
  floor?: string
  only?: string[]
  tools?: string[]
}

const HELP = `Usage: dirsize bench [options]

Time dirsize (serial and parallel) against the peers installed here.

Options:
  --quick            small trees, 3 rounds: well under a minute
  --path <DIR...>    benchmark these real trees instead of generated ones
  --out <DIR>        write results.json and chart.svg there
  --cold             drop the page cache before each run (root only)
  --rounds <N>       timed rounds per tool (default 5, --quick 3)
  --seed <N>         seed for the generated trees (default: 1)
  --dir <DIR>        where generated trees live (default: the temp dir)
  --floor <FILE>     floor.c to build and time beside dirsize (default:
                     ../shared/tools/floor.c)
  --only <SHAPE...>  only these generated shapes: balanced wide deep tiny
  --tools <NAME...>  only the rows whose label starts with one of these
                     (e.g. Python TypeScript get-folder-size 'dirsize threads')
  -h, --help         display help for command
`

const VALUE_NAMES: Record<string, string> = {
  path: '<DIR...>', out: '<DIR>', rounds: '<N>', seed: '<N>', dir: '<DIR>', floor: '<FILE>', only: '<SHAPE...>', tools: '<NAME...>',
}

/**
 * The harness's flags, with util.parseArgs (no load cost). `--path` and `--only` take every
 * value up to the next flag, as they did before (`--path a b --out x`).
 */
function parseFlags(argv: string[]): Flags | number {
  const fail = (message: string): number => {
    process.stderr.write(`error: ${message}\n`)
    return 2
  }
  let tokens
  try {
    ;({ tokens } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      tokens: true,
      options: {
        quick: { type: 'boolean' },
        path: { type: 'string', multiple: true },
        out: { type: 'string' },
        cold: { type: 'boolean' },
        rounds: { type: 'string' },
        seed: { type: 'string' },
        dir: { type: 'string' },
        floor: { type: 'string' },
        only: { type: 'string', multiple: true },
        tools: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (e) {
    const code = (e as { code?: string }).code
    const m = /'(-[^' ]+)/.exec((e as Error).message)
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return fail(`unknown option '${m?.[1] ?? ''}'`)
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && m) {
      const name = m[1]!.replace(/^-+/, '').split(/[ ,]/)[0]!
      return fail(`option '--${name} ${VALUE_NAMES[name] ?? ''}' argument missing`)
    }
    return fail((e as Error).message)
  }
  const flags: Flags = { seed: 1 }
  let variadic: 'path' | 'only' | 'tools' | undefined
  for (const t of tokens) {
    if (t.kind === 'positional') {
      if (!variadic) return fail(`too many arguments. Expected 0 arguments but got 1.`)
      ;(flags[variadic] ??= []).push(t.value)
      continue
    }
    if (t.kind !== 'option') continue
    variadic = undefined
    const v = t.value ?? ''
    switch (t.name) {
      case 'help':
        process.stdout.write(HELP)
        return 0
      case 'quick':
      case 'cold':
        flags[t.name] = true
        break
      case 'path':
      case 'only':
      case 'tools':
        ;(flags[t.name] ??= []).push(v)
        variadic = t.name
        break
      case 'rounds':
      case 'seed': {
        const min = t.name === 'rounds' ? 1 : 0
        if (!/^\d+$/.test(v) || Number(v) < min) {
          return fail(`option '--${t.name} <N>' argument '${v}' is invalid. expected an integer of at least ${min}`)
        }
        flags[t.name] = Number(v)
        break
      }
      case 'out':
      case 'dir':
      case 'floor':
        flags[t.name] = v
        break
    }
  }
  return flags
}

/** 1, 2, 4, ... up to four threads per core (dirsize's default). */
export function threadSweep(cores: number): number[] {
  const out: number[] = []
  for (let t = 1; t <= 4 * cores; t *= 2) out.push(t)
  if (out.at(-1) !== 4 * cores) out.push(4 * cores)
  return out
}

function defaultFloor(): string | undefined {
  // The project's measuring stick sits beside the repository, in ../shared/tools.
  const p = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'tools', 'floor.c')
  return fs.existsSync(p) ? p : undefined
}

export async function bench(argv: string[]): Promise<number> {
  const parsed = parseFlags(argv)
  if (typeof parsed === 'number') return parsed
  const flags = parsed
  if (flags.cold) {
    const why = cannotDrop()
    if (why) {
      process.stderr.write(`dirsize bench: --cold: ${why}\n`)
      return 2
    }
  }
  const quick = Boolean(flags.quick)
  const rounds = flags.rounds ?? (quick ? 3 : 5)
  const warmup = flags.cold ? 0 : 1
  const cores = os.availableParallelism()
  const threads = threadSweep(cores)
  const log = (s: string): void => void process.stderr.write(`${s}\n`)

  const base = flags.dir ?? path.join(os.tmpdir(), 'dirsize-bench')
  const roots: Array<{ shape: string; path: string }> = flags.path
    ? flags.path.map((p) => ({ shape: path.basename(path.resolve(p)), path: p }))
    : specs(quick)
        .filter((s) => !flags.only || flags.only.includes(s.shape))
        .map((s) => ({ shape: s.shape, path: generate(s, base, flags.seed, log) }))

  const peers = lineup({ threads, floor: flags.floor ?? defaultFloor() })
  // Threads or processes: workers up to two per core (past that only the native walker gains).
  const ways = approaches({ workers: threads.filter((t) => t <= 2 * cores), defaultThreads: threads.at(-1)! })
  const wanted = (label: string): boolean => !flags.tools || flags.tools.some((p) => label.startsWith(p))
  const tools = [...peers.tools, ...ways.tools].filter((t) => wanted(t.label))
  const skipped = [...peers.skipped, ...ways.skipped].filter((s) => wanted(s.tool))
  const results: BenchResults = {
    machine: machine(roots[0]?.path ?? base),
    options: { quick, cold: Boolean(flags.cold), rounds, warmup, seed: flags.seed, threads },
    startedAt: new Date().toISOString(),
    trees: [],
    skipped,
  }
  for (const root of roots) {
    const reference = dirsizeSync(root.path, { threads: 1 })
    const entries = entryCount(reference)
    const du = tools.find((t) => t.label === 'du -sb')
    const tree: TreeResult = { shape: root.shape, path: root.path, entries, referenceBytes: reference.bytes, rows: [], failed: [] }
    if (du) tree.referenceBytes = du.measure(root.path, 1, 0, false).bytes
    let serial: number | undefined
    for (const tool of tools) {
      log(`${root.shape}: ${tool.label}`)
      let m
      try {
        m = tool.measure(root.path, rounds, warmup, Boolean(flags.cold))
      } catch (e) {
        tree.failed.push({ tool: tool.label, reason: (e as Error).message })
        continue
      }
      const med = median(m.times)
      if (tool.threads === 1) serial = med
      const row: Row = {
        tool: tool.label,
        threads: tool.threads,
        approach: tool.approach,
        workers: tool.workers,
        times: m.times,
        medianMs: med,
        minMs: Math.min(...m.times),
        maxMs: Math.max(...m.times),
        entriesPerSec: entries / (med / 1000),
        speedup: serial ? serial / med : 1,
        efficiency: tool.threads && serial ? serial / med / tool.threads : undefined,
        peakRssMiB: m.maxRssKiB === undefined ? undefined : m.maxRssKiB / 1024,
        bytes: m.bytes,
        agrees: m.bytes === tree.referenceBytes,
      }
      tree.rows.push(row)
    }
    results.trees.push(tree)
  }

  process.stdout.write(`${table(results)}\n`)
  if (flags.out) {
    fs.mkdirSync(flags.out, { recursive: true })
    fs.writeFileSync(path.join(flags.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
    try {
      fs.writeFileSync(path.join(flags.out, 'chart.svg'), await chart(results))
    } catch (e) {
      log(`dirsize bench: no chart (${(e as Error).message}); install vega and vega-lite to draw it`)
    }
    log(`wrote ${path.join(flags.out, 'results.json')} and chart.svg`)
  }
  return 0
}

if (require.main === module) {
  bench(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
