/**
 * The `dirsize` command: du's flags, text or JSON output, exit codes a script can trust.
 *
 * Start-up is part of every run, so this file loads only what the command line needs: the
 * flags and messages here, the scan (and the native addon) only for a scan, the report only
 * with --html, the bench only for `dirsize bench`.
 */
import fs from 'node:fs'
import type { Writable } from 'node:stream'

import { HELP, parse, TRY, USAGE } from './args'
import { Output, reason } from './output'

export interface Io {
  stdout: Writable
  stderr: NodeJS.WriteStream
}

/**
 * Runs the command; resolves with the exit code: 0 all read, 1 something unreadable or a
 * write error, 2 bad usage, 130 interrupted, 141 stdout closed by its reader.
 */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // `dirsize bench ...`: the benchmark harness, loaded only when asked for.
  if (argv[0] === 'bench') return (require('../bench/main') as typeof import('../bench/main')).bench(argv.slice(1))
  const output = new Output(io.stdout, io.stderr)
  // `dirsize diff OLD NEW`: two scans compared, loaded only when asked for.
  if (argv[0] === 'diff') {
    const code = await (require('./diff') as typeof import('./diff')).runDiff(argv.slice(1), output)
    await output.flush()
    return output.exitCode() ?? code
  }
  const code = await command(argv, io, output)
  await output.flush()
  return output.exitCode() ?? code
}

async function command(argv: string[], io: Io, output: Output): Promise<number> {
  const usage = (message: string): number => {
    output.err(`${message}\n${USAGE}\n${TRY}\n`)
    return 2
  }
  // Node decoded the arguments as UTF-8, with U+FFFD for bytes that are not: only then are
  // the exact bytes worth fetching.
  const exact = argv.some((arg) => arg.includes('\ufffd')) ? (require('./argv') as typeof import('./argv')).exactArgv(argv) : argv
  const parsed = parse(argv, exact)
  if (parsed.kind === 'help') {
    output.out(HELP)
    return 0
  }
  if (parsed.kind === 'version') {
    output.out(`${(require('../../../package.json') as { version: string }).version}\n`)
    return 0
  }
  if (parsed.kind === 'usage') return usage(parsed.message)
  const flags = parsed.flags

  let ignore: RegExp | undefined
  if (flags.ignore !== undefined) {
    try {
      ignore = new RegExp(flags.ignore)
    } catch (e) {
      return usage(`dirsize: --ignore: ${(e as Error).message}`)
    }
  }
  const exclude = [...flags.exclude]
  for (const file of flags.excludeFrom) {
    try {
      exclude.push(...excludeFile(fs.readFileSync(file === '-' ? 0 : file)))
    } catch (e) {
      return usage(`dirsize: --exclude-from: cannot read '${file}': ${reason(e as NodeJS.ErrnoException)}`)
    }
  }

  const scan = require('./run') as typeof import('./run')
  try {
    return await scan.run(flags, { exclude, ignore }, io.stderr, output)
  } catch (e) {
    if (e instanceof scan.UsageError) return usage(e.message)
    throw e
  }
}

/**
 * The patterns of an -X file, read as du reads them (gnulib's add_exclude_fp): one per line;
 * trailing white space (a CR too) is not part of a pattern, and a blank line is none; a NUL
 * ends its pattern (du's patterns are C strings). `-X -` reads stdin.
 */
export function excludeFile(text: Buffer): string[] {
  const patterns: string[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf(0x0a, start)
    if (end < 0) end = text.length
    let last = end
    while (last > start && isSpace(text[last - 1]!)) last--
    if (last > start) {
      const line = text.subarray(start, last)
      const nul = line.indexOf(0)
      const pattern = nul < 0 ? line : line.subarray(0, nul)
      // An empty pattern (a line starting with NUL) matches no name.
      if (pattern.length > 0) patterns.push(pattern.toString('utf8'))
    }
    start = end + 1
  }
  return patterns
}

/** C's isspace in the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)
}
