/** The tools the harness times: dirsize itself and the peers that are installed. */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { dropCaches } from './cache'

export interface Measurement {
  times: number[]
  bytes: number
  /** Peak resident memory of the process that ran the tool, or undefined if unknown. */
  maxRssKiB?: number
}

export interface Tool {
  /** As shown in the table: 'dirsize threads=2', 'du -sb', ... */
  label: string
  /** dirsize's thread count, for the sweep. */
  threads?: number
  /** The way of working it stands for, a line of the chart (time against workers). */
  approach?: string
  /** Threads or processes it works with, the chart's x. */
  workers?: number
  /** In one Node process (a worker child), or a whole command. */
  measure(dir: string, rounds: number, warmup: number, cold: boolean): Measurement
}

const pkgRoot = path.resolve(__dirname, '..', '..', '..')
const worker = path.join(__dirname, 'worker.js')

export function inProcess(label: string, tool: string, opts: { threads?: number; env?: NodeJS.ProcessEnv; approach?: string } = {}): Tool {
  return {
    label,
    threads: opts.env ? undefined : opts.threads,
    approach: opts.approach,
    workers: opts.approach ? opts.threads : undefined,
    measure(dir, rounds, warmup, cold) {
      const args = [worker, tool, dir, String(rounds), String(warmup), cold ? '1' : '0', opts.threads ? String(opts.threads) : '']
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 1 << 24 })
      if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr.trim().split('\n').at(-1)}`)
      return JSON.parse(r.stdout) as Measurement
    },
  }
}

const hasTime = fs.existsSync('/usr/bin/time')

/** A whole command, timed around its process; peak RSS from GNU time when it is there. */
export function command(label: string, argv: (dir: string) => string[], parse: (stdout: string) => number): Tool {
  return {
    label,
    measure(dir, rounds, warmup, cold) {
      const rssFile = path.join(os.tmpdir(), `dirsize-bench-rss-${process.pid}`)
      const full = hasTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...argv(dir)] : argv(dir)
      const once = (): { ms: number; bytes: number; rss?: number } => {
        const t = performance.now()
        const r = spawnSync(full[0]!, full.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 })
        const ms = performance.now() - t
        if (r.status !== 0 && r.status !== 1) throw new Error(`${label} failed: ${r.stderr.trim().split('\n').at(-1)}`)
        const rss = hasTime ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : undefined
        return { ms, bytes: parse(r.stdout), rss }
      }
      for (let i = 0; i < warmup; i++) once()
      const times: number[] = []
      let bytes = 0
      let maxRssKiB: number | undefined
      for (let i = 0; i < rounds; i++) {
        if (cold) dropCaches()
        const m = once()
        times.push(m.ms)
        bytes = m.bytes
        if (m.rss !== undefined) maxRssKiB = Math.max(maxRssKiB ?? 0, m.rss)
      }
      fs.rmSync(rssFile, { force: true })
      return { times, bytes, maxRssKiB }
    },
  }
}

export const firstNumber = (stdout: string): number => Number(stdout.trim().split(/\s/)[0])

function resolvable(name: string): boolean {
  try {
    require.resolve(name, { paths: [pkgRoot] })
    return true
  } catch {
    return false
  }
}

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0
}

/**
 * The native disk-usage tools people reach for, each asked for apparent bytes of the whole tree
 * (the figure du -sb prints) with as little output as it allows, so each does the same work.
 */
export const PEERS: Array<{ label: string; bin: string; args: string[]; install: string; parse?: (stdout: string) => number }> = [
  // --directories included: diskus leaves directories out of apparent sizes by default.
  { label: 'diskus -b', bin: 'diskus', args: ['-b', '--directories', 'included'], install: 'cargo install diskus' },
  {
    label: 'dua -A',
    bin: 'dua',
    args: ['--apparent-size', '--format', 'bytes', 'aggregate'],
    install: 'cargo install dua-cli',
    // One line per entry of the root, then a total line (none when there is one entry).
    parse: (stdout) => firstNumber(stdout.trim().split('\n').at(-1) ?? ''),
  },
  {
    label: 'pdu apparent-size',
    bin: 'pdu',
    args: ['--quantity', 'apparent-size', '--bytes-format', 'plain', '--max-depth', '1', '--no-sort'],
    install: 'cargo install parallel-disk-usage',
  },
  {
    label: 'dust -s',
    bin: 'dust',
    args: ['--apparent-size', '--depth', '0', '--output-format', 'b', '--no-percent-bars', '--no-progress'],
    install: 'cargo install du-dust',
    // "17294B ┌── dir"
    parse: (stdout) => Number(/^\s*(\d+)B/.exec(stdout)?.[1]),
  },
  { label: 'gdu -a', bin: 'gdu', args: ['--non-interactive', '--no-progress', '--summarize', '--show-apparent-size', '--no-prefix'], install: 'apt-get install gdu' },
]

/** The native walker's line in the chart. */
export const NATIVE = 'native: Rust threads'

export interface Lineup {
  tools: Tool[]
  skipped: Array<{ tool: string; reason: string }>
}

/** floor.c, the project's measuring stick, compiled once if a C compiler and its source exist. */
function floorTool(source: string | undefined, threads: number): Tool | string {
  if (!source) return 'no floor.c given (--floor PATH) or found at ../shared/tools/floor.c'
  if (!onPath('cc')) return 'no C compiler (cc) to build floor.c'
  const bin = path.join(os.tmpdir(), 'dirsize-bench-floor')
  execFileSync('cc', ['-O2', '-pthread', '-o', bin, source])
  return command(`floor.c threads=${threads}`, (dir) => [bin, dir, String(threads)], firstNumber)
}

/** Everything that can run here; what cannot is listed with the reason, never faked. */
export function lineup(opts: { threads: number[]; floor?: string }): Lineup {
  const tools: Tool[] = []
  const skipped: Lineup['skipped'] = []
  for (const t of opts.threads) tools.push(inProcess(`dirsize threads=${t}`, 'dirsize', { threads: t, approach: NATIVE }))
  tools.push(command('dirsize CLI (process)', (dir) => [process.execPath, path.join(pkgRoot, 'bin', 'dirsize.js'), '-b', dir], firstNumber))
  tools.push(inProcess('dirsize TypeScript walker', 'dirsize', { env: { DIRSIZE_NATIVE: '0' } }))
  for (const [label, name] of [['get-folder-size', 'get-folder-size'], ['fast-folder-size', 'fast-folder-size'], ['fdir + lstat', 'fdir']] as const) {
    if (resolvable(name)) tools.push(inProcess(label, name))
    else skipped.push({ tool: label, reason: `${name} is not installed (npm install ${name})` })
  }
  if (onPath('du')) tools.push(command('du -sb', (dir) => ['du', '-sb', dir], firstNumber))
  else skipped.push({ tool: 'du -sb', reason: 'du is not on PATH' })
  for (const peer of PEERS) {
    if (onPath(peer.bin)) tools.push(command(peer.label, (dir) => [peer.bin, ...peer.args, dir], peer.parse ?? firstNumber))
    else skipped.push({ tool: peer.label, reason: `${peer.bin} is not on PATH (${peer.install})` })
  }
  const floor = floorTool(opts.floor, Math.max(...opts.threads.filter((t) => t <= os.availableParallelism()), 1))
  if (typeof floor === 'string') skipped.push({ tool: 'floor.c', reason: floor })
  else tools.push(floor)
  return { tools, skipped }
}
