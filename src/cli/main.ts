/** The `dirsize` command: du's flags, text or JSON output, exit codes a script can trust. */
import fs from 'node:fs'

import { Command, InvalidArgumentError, Option } from 'commander'

import { dirsize } from '../../index'
import { type Counters, countersOf, entryCount } from '../result'
import type { Progress, Result, RootResult, ScanError } from '../types'

import { human, pathBytes, showPath } from './format'
import type { StatusLine } from './progress'

const USAGE = 'Usage: dirsize [options] [paths...]'

const EXAMPLES = `
Examples:
  dirsize                          disk usage of the current directory, like du -sh .
  dirsize -c ~/src/*               one line per project, and a total
  dirsize -b -d 1 /var             apparent bytes of /var and each directory in it
  dirsize --top 10 ~/Downloads     and the ten largest files
  dirsize --exclude node_modules --exclude '*.log' .
  dirsize --ndjson /srv/* > audit.ndjson     one JSON line per root, as each finishes
  jq -r 'select(.path) | [.diskBytes, .path] | @tsv' audit.ndjson | sort -n
  dirsize --html report.html ~/projects      a treemap of what fills it, in one HTML file
  dirsize bench --quick --out bench-out     time dirsize against du and the npm packages

Exit status: 0 if everything was read, 1 if some root or entry could not be read (each one
is reported on stderr, the rest is still printed), 2 on bad usage, 130 when interrupted.`

interface Flags {
  summarize?: boolean
  humanReadable?: boolean
  bytes?: boolean
  apparentSize?: boolean
  si?: boolean
  total?: boolean
  oneFileSystem?: boolean
  dereference?: boolean
  countLinks?: boolean
  maxDepth?: number
  exclude: string[]
  ignore?: string
  top?: number
  threads?: number
  null?: boolean
  json?: boolean
  ndjson?: boolean
  progress?: boolean
  html?: string
}

function integer(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InvalidArgumentError(`expected an integer of at least ${min}, got '${value}'.`)
    }
    return Number(value)
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function program(version: string): Command {
  return new Command('dirsize')
    .usage('[options] [paths...]')
    .description('Disk usage of each path, like du -sh, walked in parallel.')
    .argument('[paths...]', 'roots to size', ['.'])
    .option('-s, --summarize', 'one line per root (the default)')
    .option('-h, --human-readable', 'sizes like 1.5K 234M 2.0G (the default, unless -b)')
    .option('-b, --bytes', 'apparent size in bytes (du -b)')
    .option('--apparent-size', 'apparent size instead of disk usage')
    .option('--si', 'like -h, in powers of 1000')
    .option('-c, --total', 'print a grand total')
    .option('-x, --one-file-system', 'skip directories on other file systems')
    .option('-L, --dereference', 'follow symbolic links')
    .option('-l, --count-links', 'count sizes many times if hard linked')
    .option('-d, --max-depth <N>', 'a line per directory down to depth N', integer(0))
    .addOption(new Option('--depth <N>', 'same as --max-depth').argParser(integer(0)).hideHelp())
    .option('--exclude <PATTERN>', 'skip entries matching this glob (repeatable)', collect, [])
    .option('--ignore <REGEX>', 'skip entries whose full path matches this JavaScript RegExp')
    .option('--top <N>', 'also list the N largest files', integer(1))
    .option('--threads <N>', 'worker threads (default: 4 per core, at most 64)', integer(1))
    .option('-0, --null', 'end each output line with NUL, not newline (exact path bytes)')
    .option('--json', 'one JSON document on stdout')
    .option('--ndjson', 'one JSON line per root as soon as it is done, then a total line')
    .option('--html <FILE>', 'also write a self-contained HTML report (a zoomable treemap) to FILE')
    .option('--progress', 'show a status line on stderr even when it is not a terminal')
    .option('--no-progress', 'never show the status line')
    .version(version, '--version')
    .helpOption('--help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(`${USAGE}\nTry 'dirsize --help' for more information.`)
    .exitOverride()
}

export interface Io {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WriteStream
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // `dirsize bench ...`: the benchmark harness, loaded only when asked for.
  if (argv[0] === 'bench') return (await import('../bench/main.js')).bench(argv.slice(1))
  const version = (require('../../../package.json') as { version: string }).version
  const cmd = program(version)
  cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
  let paths: string[]
  let flags: Flags
  try {
    cmd.parse(argv, { from: 'user' })
    paths = cmd.processedArgs[0] as string[]
    flags = cmd.opts<Flags>()
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0
    return 2
  }
  const depth = flags.maxDepth ?? (flags as { depth?: number }).depth
  const usage = (message: string): number => {
    io.stderr.write(`dirsize: ${message}\n${USAGE}\nTry 'dirsize --help' for more information.\n`)
    return 2
  }
  if (flags.summarize && depth !== undefined && depth > 0) return usage('cannot both summarize and show directories below depth 0')
  if (flags.json && flags.ndjson) return usage('--json and --ndjson cannot be used together')
  let ignore: RegExp | undefined
  if (flags.ignore !== undefined) {
    try {
      ignore = new RegExp(flags.ignore)
    } catch (e) {
      return usage(`--ignore: ${(e as Error).message}`)
    }
  }
  return run(paths, flags, depth, ignore, io)
}

/**
 * A root trimmed to what the command line asked for: with --html the scan collects the
 * page's deeper breakdown and longer top list, and the lines show only the asked part.
 */
function asked(r: RootResult<number>, depth: number | undefined, top: number | undefined): RootResult<number> {
  const tree = depth === undefined ? undefined : r.tree?.filter((e) => e.depth <= depth)
  const largest = top ? r.largest?.slice(0, top) : undefined
  const { tree: _tree, largest: _largest, ...rest } = r
  return { ...rest, ...(tree ? { tree } : {}), ...(largest ? { largest } : {}) }
}

async function run(paths: string[], flags: Flags, depth: number | undefined, ignore: RegExp | undefined, io: Io): Promise<number> {
  const apparent = Boolean(flags.bytes || flags.apparentSize)
  const exact = Boolean(flags.bytes) && !flags.humanReadable && !flags.si
  const eol = flags.null ? '\0' : '\n'
  const size = (r: { bytes: number; diskBytes: number }): string => {
    const n = apparent ? r.bytes : r.diskBytes
    return exact ? String(n) : human(n, flags.si)
  }
  const line = (n: string, path: string, raw?: Buffer): void => {
    if (flags.null) {
      io.stdout.write(Buffer.concat([Buffer.from(`${n}\t`), pathBytes(path, raw), Buffer.from(eol)]))
    } else {
      io.stdout.write(`${n}\t${showPath(path, raw)}${eol}`)
    }
  }
  const reportErrors = (errors: ScanError[], count: number): void => {
    for (const e of errors) io.stderr.write(`dirsize: cannot read '${showPath(e.path, e.pathBuffer)}': ${e.message}\n`)
    if (count > errors.length) io.stderr.write(`dirsize: ... and ${count - errors.length} more errors\n`)
  }

  const showProgress = flags.progress === true || (flags.progress !== false && io.stderr.isTTY === true)
  const status: StatusLine | undefined = showProgress ? await (await import('./progress.js')).statusLine(io.stderr) : undefined
  const ac = new AbortController()
  let interrupted = false
  const onSigint = (): void => {
    interrupted = true
    ac.abort()
  }
  process.once('SIGINT', onSigint)

  // --html: one scan for both the page (deeper breakdown, longer top list) and the lines.
  const page = flags.html === undefined ? undefined : await import('../report/index.js')
  const scanDepth = page ? Math.max(depth ?? 0, page.REPORT_DEPTH) : depth
  const scanTop = page ? Math.max(flags.top ?? 0, page.REPORT_TOP) : flags.top
  const pageRoots: RootResult<number>[] = []

  const json = Boolean(flags.json)
  const ndjson = Boolean(flags.ndjson)
  const kept: object[] = []
  const total: Counters = { bytes: 0, diskBytes: 0, files: 0, dirs: 0, symlinks: 0, others: 0, errorCount: 0 }
  const onRoot = (scanned: RootResult<number>): void => {
    if (page) pageRoots.push(scanned)
    const r = page ? asked(scanned, depth, flags.top) : scanned
    finished++
    status?.clear()
    reportErrors(r.errors, r.errorCount)
    for (const k of Object.keys(total) as Array<keyof Counters>) total[k] += r[k]
    if (json || ndjson) {
      const doc = rootJson(r)
      if (ndjson) io.stdout.write(`${JSON.stringify(doc)}\n`)
      else kept.push(doc)
      return
    }
    if (r.rootError) return // as du: the error on stderr, no line
    // Nothing counted and no error: the root was already counted under an earlier one, or
    // its name is excluded. du prints no line for it either.
    if (entryCount(r) === 0) return
    if (depth !== undefined && r.tree) {
      for (const e of r.tree) line(size(e), e.path, e.pathBuffer)
    } else {
      line(size(r), r.path, r.pathBuffer)
    }
    if (r.largest && r.largest.length > 0) {
      io.stdout.write(`Largest files in ${showPath(r.path, r.pathBuffer)}:${eol}`)
      for (const f of r.largest) line(`  ${size(f).padStart(exact ? 12 : 6)}`, f.path, f.pathBuffer)
    }
  }

  let elapsedMs = 0
  let last: Progress | undefined
  let finished = 0
  try {
    const result = await dirsize(paths, {
      countLinks: flags.countLinks,
      followSymlinks: flags.dereference,
      oneFileSystem: flags.oneFileSystem,
      exclude: flags.exclude,
      ignore,
      depth: scanDepth,
      top: scanTop,
      threads: flags.threads,
      signal: ac.signal,
      onRoot: onRoot as (r: RootResult<number | bigint>) => void,
      // Always watched: on Ctrl-C the last counters are the partial size of the root under way.
      onProgress: (p: Progress) => {
        last = p
        status?.update(p)
      },
    })
    elapsedMs = result.elapsedMs
    if (page && flags.html !== undefined) {
      status?.clear()
      try {
        fs.writeFileSync(flags.html, page.renderReport(result as Result<number>, pageRoots))
      } catch (e) {
        io.stderr.write(`dirsize: --html: ${(e as Error).message}\n`)
        return 1
      }
      io.stderr.write(`dirsize: wrote ${flags.html}\n`)
    }
  } catch (e) {
    status?.clear()
    if (interrupted) {
      // --json: no half document. Text: what was counted of the root under way, marked partial.
      if (!json && !ndjson && finished < paths.length && last) {
        const partial = { bytes: last.bytes - total.bytes, diskBytes: last.diskBytes - total.diskBytes }
        line(size(partial), paths[finished]!)
        io.stderr.write(`dirsize: interrupted: the last line is partial (${(entryCount(last) - entryCount(total)).toLocaleString('en-US')} entries counted so far)\n`)
      } else if (!json) {
        io.stderr.write('dirsize: interrupted\n')
      }
      return 130
    }
    io.stderr.write(`dirsize: ${(e as Error).message}\n`)
    return (e as { code?: string }).code === 'ERR_INVALID_ARG_VALUE' ? 2 : 1
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  status?.clear()

  if (json) {
    io.stdout.write(`${JSON.stringify({ roots: kept, total, elapsedMs: Math.round(elapsedMs * 1000) / 1000 }, null, 2)}\n`)
  } else if (ndjson) {
    io.stdout.write(`${JSON.stringify({ total, elapsedMs: Math.round(elapsedMs * 1000) / 1000 })}\n`)
  } else if (flags.total) {
    line(size(total), 'total')
  }
  return total.errorCount > 0 ? 1 : 0
}

/** A root as JSON: numbers are exact below 2^53; a path that is not UTF-8 also comes as base64. */
function rootJson(r: RootResult<number>): object {
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
  return doc
}
