/**
 * The command line, read with Node's util.parseArgs (no load cost), into the flags the scan
 * needs. Mistakes get the messages commander gave before (the same words, the same
 * "(Did you mean ...?)"), so scripts and habits keep working.
 */
import { parseArgs } from 'node:util'

import type { FileFilter, FileType, GroupKey, Options } from '../types'

import { BYTES, HUMAN, KIB, MIB, parseBlockSize, SI, type Units } from './units'

export const USAGE = 'Usage: dirsize [options] [paths...]'
export const TRY = "Try 'dirsize --help' for more information."

export const HELP = `${USAGE}
       dirsize diff [options] OLD NEW   (what changed: dirsize diff --help)

Disk usage of each path, like du -sh, walked in parallel.

Arguments:
  paths                  roots to size (default: ["."])

Options:
  -s, --summarize        one line per root (the default)
  -h, --human-readable   sizes like 1.5K 234M 2.0G (the default, unless -b)
  -b, --bytes            apparent size in bytes (du -b)
  --apparent-size        apparent size instead of disk usage
  --si                   like -h, in powers of 1000
  -B, --block-size <SIZE>
                         sizes in units of SIZE bytes, rounded up, as du -B
                         (1K, 1M, 1MB, 1KiB; -B K prints the unit too)
  -k                     like --block-size=1K
  -m                     like --block-size=1M
  -c, --total            print a grand total
  -x, --one-file-system  skip directories on other file systems
  -L, --dereference      follow symbolic links
  -l, --count-links      count sizes many times if hard linked
  -d, --max-depth <N>    a line per directory down to depth N
  -f, --file <FILE>      read saved scans instead of the file system: FILE and
                         every path after it (ncdu's JSON format, as dirsize
                         -o, ncdu -o and gdu -o write it; .gz too)
  --exclude <PATTERN>    skip entries matching this glob (repeatable) (default:
                         [])
  -X, --exclude-from <FILE>
                         skip entries matching any pattern in FILE, one per line
  --ignore <REGEX>       skip entries whose full path matches this JavaScript
                         RegExp
  --top <N>              also list the N largest files
  --by <KEY>             totals by extension, type, owner, group or age, a table
                         per key after the lines (repeatable)
  --time <WORD>          the timestamp of --by age and the time filters: mtime
                         (the default), atime or ctime
  --min-size <SIZE>      count only files of at least SIZE bytes (apparent; du's
                         suffixes: 10K, 1M, 2G, 1MB)
  --max-size <SIZE>      count only files of at most SIZE bytes
  --older-than <N|DATE>  count only files whose time is more than N days old, or
                         before DATE (ISO 8601: 2024-01-31)
  --newer-than <N|DATE>  count only files whose time is less than N days old, or
                         after DATE
  --type <f|l|o>         count only regular files (f), symlinks (l) or other
                         files (o) (repeatable)
                         (with a filter, directories are walked, not counted)
  --threads <N>          worker threads (default: 4 per core, at most 64)
  -0, --null             end each output line with NUL, not newline (exact path
                         bytes)
  --json                 one JSON document on stdout
  --ndjson               one JSON line per root as soon as it is done, then a
                         total line
  --html <FILE>          also write a self-contained HTML report (a zoomable
                         treemap) to FILE
  -o, --export <FILE>    also save the scan in ncdu's JSON format to FILE (one
                         path; FILE.gz is gzipped; - is stdout, which then holds
                         only the JSON); ncdu -f and gdu -f read it
  -e, --extended         with -o, ncdu's extended fields too (uid, gid, mode,
                         mtime)
  --progress             show a status line on stderr even when it is not a
                         terminal
  --no-progress          never show the status line
  --version              output the version number
  --help                 show this help

Examples:
  dirsize                          disk usage of the current directory, like du -sh .
  dirsize -c ~/src/*               one line per project, and a total
  dirsize -b -d 1 /var             apparent bytes of /var and each directory in it
  dirsize --top 10 ~/Downloads     and the ten largest files
  dirsize --exclude node_modules --exclude '*.log' .
  dirsize --ndjson /srv/* > audit.ndjson     one JSON line per root, as each finishes
  jq -r 'select(.path) | [.diskBytes, .path] | @tsv' audit.ndjson | sort -n
  dirsize --html report.html ~/projects      a treemap of what fills it, in one HTML file
  dirsize -o home.json.gz ~ && ncdu -f home.json.gz   browse a saved scan in ncdu
  dirsize -f scans/*.json -d 2     saved scans of many hosts, audited together
  dirsize diff last-week.json tonight.json   what grew, shrank, came and went
  dirsize --by owner --by age /home          who fills /home, and with how old data
  dirsize --older-than 365 --min-size 100M --top 20 /srv    big files untouched for a year
  dirsize bench --quick --out bench-out     time dirsize against du and the npm packages

Exit status: 0 if everything was read, 1 if some root or entry could not be read (each one
is reported on stderr, the rest is still printed) or stdout could not be written, 2 on bad
usage, 130 when interrupted, 141 when the reader of stdout went away (dirsize | head), as
a shell reports for du.
`

export interface Flags {
  /** A root whose name is not UTF-8 comes as the Buffer of its bytes. */
  paths: Array<string | Buffer>
  /** The last of -b, -h, -k, -m, -B, --si, as du: each sets the units anew. */
  units: Units
  /** --apparent-size or -b (du's -b is both, and a later -h keeps the apparent size). */
  apparent: boolean
  summarize: boolean
  total: boolean
  oneFileSystem: boolean
  dereference: boolean
  countLinks: boolean
  depth?: number
  exclude: string[]
  /** -X files, read after parsing: their patterns join `exclude`. */
  excludeFrom: string[]
  ignore?: string
  top?: number
  threads?: number
  null: boolean
  json: boolean
  ndjson: boolean
  /** -f: `paths` are saved scans to load, not trees to walk. */
  load: boolean
  /** undefined: on a terminal only. */
  progress?: boolean
  html?: string
  /** -o: save the scan in ncdu's format to this file ('-': stdout). */
  export?: string
  /** -e: ncdu's extended fields in the export. */
  extended: boolean
  /** --by, each key once, in the order given. */
  by: GroupKey[]
  time?: 'mtime' | 'atime' | 'ctime'
  /** The file filters given (--min-size, --max-size, --older-than, --newer-than, --type). */
  filter: FileFilter & { type?: FileType[] }
}

/** The patterns and RegExp the flags name, once read (-X files) and compiled (--ignore). */
export interface Patterns {
  /** --exclude and the patterns of the -X files. */
  exclude: string[]
  ignore?: RegExp
}

/**
 * The API options the flags ask for: the one place a flag becomes an option (the run adds
 * what is not a flag's: bigint, the signal, the callbacks, and --html's deeper scan).
 */
export function scanOptions(flags: Flags, patterns: Patterns): Options {
  return {
    countLinks: flags.countLinks,
    followSymlinks: flags.dereference,
    oneFileSystem: flags.oneFileSystem,
    exclude: patterns.exclude,
    ignore: patterns.ignore,
    depth: flags.depth,
    top: flags.top,
    threads: flags.threads,
    groupBy: flags.by,
    time: flags.time,
    filter: filtering(flags) ? flags.filter : undefined,
  }
}

/** Whether a file filter was given (then directories are walked, not counted). */
export function filtering(flags: Flags): boolean {
  return Object.keys(flags.filter).length > 0
}

/** A --min-size/--max-size SIZE: du's -B syntax (10K, 1M, 1MB, 512), or 0; in bytes. */
function parseSize(value: string): number | string {
  if (/^0+$/.test(value)) return 0
  const units = parseBlockSize(value)
  if (typeof units === 'string' || units.kind !== 'blocks') return `expected a size like 10K, 1M, 1MB, 1KiB or 512, got '${value}'.`
  if (units.bytes > BigInt(Number.MAX_SAFE_INTEGER)) return `expected a size below 2^53 bytes (8P), got '${value}'.`
  return Number(units.bytes)
}

/** An --older-than/--newer-than value: days (a decimal number) or an ISO 8601 date. */
function parseAge(value: string): number | string | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value)
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) return value
  return undefined
}

export type Parsed =
  | { kind: 'run'; flags: Flags }
  | { kind: 'help' }
  | { kind: 'version' }
  /** Bad usage: the message's own line(s); the caller adds the usage line and exits 2. */
  | { kind: 'usage'; message: string }

interface Spec {
  type: 'boolean' | 'string'
  short?: string
  /** As commander showed the option in its messages: '-d, --max-depth <N>'. */
  flags: string
  /** -k and -m have no long form in du; `--k` is an unknown option. */
  shortOnly?: boolean
  hidden?: boolean
}

// u32 on the native side.
const U32 = 0xffff_ffff

const SPECS: Record<string, Spec> = {
  summarize: { type: 'boolean', short: 's', flags: '-s, --summarize' },
  'human-readable': { type: 'boolean', short: 'h', flags: '-h, --human-readable' },
  bytes: { type: 'boolean', short: 'b', flags: '-b, --bytes' },
  'apparent-size': { type: 'boolean', flags: '--apparent-size' },
  si: { type: 'boolean', flags: '--si' },
  'block-size': { type: 'string', short: 'B', flags: '-B, --block-size <SIZE>' },
  k: { type: 'boolean', short: 'k', flags: '-k', shortOnly: true },
  m: { type: 'boolean', short: 'm', flags: '-m', shortOnly: true },
  total: { type: 'boolean', short: 'c', flags: '-c, --total' },
  'one-file-system': { type: 'boolean', short: 'x', flags: '-x, --one-file-system' },
  dereference: { type: 'boolean', short: 'L', flags: '-L, --dereference' },
  'count-links': { type: 'boolean', short: 'l', flags: '-l, --count-links' },
  'max-depth': { type: 'string', short: 'd', flags: '-d, --max-depth <N>' },
  file: { type: 'string', short: 'f', flags: '-f, --file <FILE>' },
  depth: { type: 'string', flags: '--depth <N>', hidden: true },
  exclude: { type: 'string', flags: '--exclude <PATTERN>' },
  'exclude-from': { type: 'string', short: 'X', flags: '-X, --exclude-from <FILE>' },
  ignore: { type: 'string', flags: '--ignore <REGEX>' },
  top: { type: 'string', flags: '--top <N>' },
  threads: { type: 'string', flags: '--threads <N>' },
  null: { type: 'boolean', short: '0', flags: '-0, --null' },
  json: { type: 'boolean', flags: '--json' },
  ndjson: { type: 'boolean', flags: '--ndjson' },
  html: { type: 'string', flags: '--html <FILE>' },
  export: { type: 'string', short: 'o', flags: '-o, --export <FILE>' },
  extended: { type: 'boolean', short: 'e', flags: '-e, --extended' },
  progress: { type: 'boolean', flags: '--progress' },
  'no-progress': { type: 'boolean', flags: '--no-progress' },
  by: { type: 'string', flags: '--by <KEY>' },
  time: { type: 'string', flags: '--time <WORD>' },
  'min-size': { type: 'string', flags: '--min-size <SIZE>' },
  'max-size': { type: 'string', flags: '--max-size <SIZE>' },
  'older-than': { type: 'string', flags: '--older-than <N|DATE>' },
  'newer-than': { type: 'string', flags: '--newer-than <N|DATE>' },
  type: { type: 'string', flags: '--type <f|l|o>' },
  version: { type: 'boolean', flags: '--version' },
  help: { type: 'boolean', flags: '--help' },
}

const PARSE_OPTIONS = Object.fromEntries(
  Object.entries(SPECS).map(([name, s]) => [name, s.short ? { type: s.type, short: s.short } : { type: s.type }]),
)

/**
 * Reads argv (without node and the script). Never throws: bad usage is a result. `exact`
 * holds the same arguments, those that are not UTF-8 as their bytes: roots are taken from it.
 */
export function parse(argv: string[], exact: ReadonlyArray<string | Buffer> = argv): Parsed {
  // Not strict: unknown options come back as tokens, so they can be reported as commander
  // did, in commander's order (a bad value at once, an unknown option after --help).
  const { tokens } = parseArgs({ args: argv, options: PARSE_OPTIONS, strict: false, allowPositionals: true, tokens: true })
  const flags: Flags = {
    paths: [], units: HUMAN, apparent: false, summarize: false, total: false, oneFileSystem: false,
    dereference: false, countLinks: false, exclude: [], excludeFrom: [], null: false, json: false, ndjson: false, load: false,
    extended: false,
    by: [], filter: {},
  }
  let unknown: string | undefined
  let help = false
  // How far into a group of short flags (-sbc) each argument has been read.
  const readInGroup = new Map<number, number>()
  for (const t of tokens) {
    if (t.kind === 'positional') {
      flags.paths.push(exact[t.index] ?? t.value)
      continue
    }
    if (t.kind !== 'option') continue
    const arg = argv[t.index]!
    const long = t.rawName.startsWith('--')
    const at = long ? 0 : (readInGroup.get(t.index) ?? 0) + 1
    if (!long) readInGroup.set(t.index, at)
    const spec = Object.hasOwn(SPECS, t.name) ? SPECS[t.name] : undefined
    // commander: an unknown long flag is reported whole (`--json=1`, `--bogus=x`), an unknown
    // short one with the rest of its group (`-bogus`: -b, then '-ogus').
    if (!spec || (long && spec.shortOnly) || (spec.type === 'boolean' && t.inlineValue)) {
      unknown ??= long ? arg : `-${arg.slice(at)}`
      continue
    }
    if (spec.type === 'string' && t.value === undefined) return { kind: 'usage', message: `error: option '${spec.flags}' argument missing` }
    const value = t.value ?? ''
    const invalid = (why: string): Parsed => ({
      kind: 'usage',
      message: `error: option '${spec.flags}' argument '${value}' is invalid. ${why}`,
    })
    const integer = (min: number, max: number): number | string => {
      if (!/^\d+$/.test(value) || Number(value) < min) return `expected an integer of at least ${min}, got '${value}'.`
      if (Number(value) > max) return `expected an integer from ${min} to ${max}, got '${value}'.`
      return Number(value)
    }
    switch (t.name) {
      case 'version':
        return { kind: 'version' }
      case 'help':
        help = true
        break
      case 'summarize': flags.summarize = true; break
      case 'human-readable': flags.units = HUMAN; break
      case 'si': flags.units = SI; break
      case 'bytes':
        flags.units = BYTES
        flags.apparent = true
        break
      case 'apparent-size': flags.apparent = true; break
      case 'k': flags.units = KIB; break
      case 'm': flags.units = MIB; break
      case 'block-size': {
        const units = parseBlockSize(value)
        if (typeof units === 'string') {
          return invalid(units === 'too large'
            ? `expected a size below 2^64 bytes (16E), got '${value}'.`
            : `expected a size like 1K, 1M, 1MB, 1KiB or 512, got '${value}'${units === 'invalid suffix' ? ' (an invalid suffix)' : ''}.`)
        }
        flags.units = units
        break
      }
      case 'total': flags.total = true; break
      case 'one-file-system': flags.oneFileSystem = true; break
      case 'dereference': flags.dereference = true; break
      case 'count-links': flags.countLinks = true; break
      case 'max-depth':
      case 'depth': {
        const n = integer(0, U32)
        if (typeof n === 'string') return invalid(n)
        flags.depth = n
        break
      }
      case 'top': {
        const n = integer(1, U32)
        if (typeof n === 'string') return invalid(n)
        flags.top = n
        break
      }
      case 'threads': {
        const n = integer(1, 1024)
        if (typeof n === 'string') return invalid(n)
        flags.threads = n
        break
      }
      case 'file':
        flags.load = true
        // A separate value keeps its exact bytes, as a positional path does.
        flags.paths.push(t.inlineValue ? value : (exact[t.index + 1] ?? value))
        break
      case 'exclude': flags.exclude.push(value); break
      case 'exclude-from': flags.excludeFrom.push(value); break
      case 'ignore': flags.ignore = value; break
      case 'html': flags.html = value; break
      case 'export': flags.export = value; break
      case 'extended': flags.extended = true; break
      case 'null': flags.null = true; break
      case 'json': flags.json = true; break
      case 'ndjson': flags.ndjson = true; break
      case 'progress': flags.progress = true; break
      case 'no-progress': flags.progress = false; break
      case 'by': {
        const keys: GroupKey[] = ['extension', 'type', 'owner', 'group', 'age']
        const key = keys.find((k) => k === value)
        if (!key) return invalid(`expected one of ${keys.join(', ')}, got '${value}'.`)
        if (!flags.by.includes(key)) flags.by.push(key)
        break
      }
      case 'time':
        if (value !== 'mtime' && value !== 'atime' && value !== 'ctime') return invalid(`expected mtime, atime or ctime, got '${value}'.`)
        flags.time = value
        break
      case 'min-size':
      case 'max-size': {
        const n = parseSize(value)
        if (typeof n === 'string') return invalid(n)
        flags.filter[t.name === 'min-size' ? 'minSize' : 'maxSize'] = n
        break
      }
      case 'older-than':
      case 'newer-than': {
        const age = parseAge(value)
        if (age === undefined) return invalid(`expected a number of days or an ISO 8601 date (2024-01-31), got '${value}'.`)
        flags.filter[t.name === 'older-than' ? 'olderThan' : 'newerThan'] = age
        break
      }
      case 'type': {
        if (value !== 'f' && value !== 'l' && value !== 'o') return invalid(`expected f (regular files), l (symlinks) or o (others), got '${value}'.`)
        const types = (flags.filter.type ??= [])
        if (!types.includes(value)) types.push(value)
        break
      }
    }
  }
  if (help) return { kind: 'help' }
  if (unknown !== undefined) {
    const suggestion = unknown.startsWith('--') ? suggestSimilar(unknown, visibleLongFlags()) : ''
    return { kind: 'usage', message: `error: unknown option '${unknown}'${suggestion}` }
  }
  if (flags.summarize && flags.depth !== undefined && flags.depth > 0) {
    return { kind: 'usage', message: 'dirsize: cannot both summarize and show directories below depth 0' }
  }
  if (flags.json && flags.ndjson) return { kind: 'usage', message: 'dirsize: --json and --ndjson cannot be used together' }
  if (flags.load) {
    const live = savedScanConflict(flags)
    if (live) return { kind: 'usage', message: `dirsize: -f: ${live} needs the file system; a saved scan cannot apply it` }
    if (flags.time !== undefined && flags.time !== 'mtime') {
      return { kind: 'usage', message: `dirsize: -f: --time ${flags.time}: a saved scan has only mtime` }
    }
  }
  if (flags.paths.length === 0) flags.paths.push('.')
  const badExport = exportMisuse(flags)
  if (badExport) return { kind: 'usage', message: badExport }
  return { kind: 'run', flags }
}

/** The first flag given that only a walk of the file system can honour (src/load FS_ONLY). */
function savedScanConflict(flags: Flags): string | undefined {
  if (flags.oneFileSystem) return '-x'
  if (flags.dereference) return '-L'
  if (flags.exclude.length > 0) return '--exclude'
  if (flags.excludeFrom.length > 0) return '-X'
  if (flags.ignore !== undefined) return '--ignore'
  if (flags.threads !== undefined) return '--threads'
  if (flags.export !== undefined) return '-o'
  return undefined
}

/** Why the flags cannot go with -o/-e, if they cannot. */
function exportMisuse(flags: Flags): string | undefined {
  if (flags.export === undefined) return flags.extended ? 'dirsize: -e (--extended) goes with -o (--export)' : undefined
  if (flags.export === '') return "dirsize: -o: a file name, or '-' for stdout"
  if (flags.paths.length !== 1) return "dirsize: -o takes one path (ncdu's format holds one tree)"
  if (flags.export === '-' && (flags.json || flags.ndjson)) return 'dirsize: -o - writes the JSON document to stdout: not with --json or --ndjson'
  return undefined
}

function visibleLongFlags(): string[] {
  return Object.entries(SPECS).filter(([, s]) => !s.hidden && !s.shortOnly).map(([name]) => `--${name}`)
}

/**
 * commander's suggestion for a mistyped long flag: the candidates at the smallest
 * Damerau-Levenshtein distance (at most 3) that are also at least 40% alike.
 */
function suggestSimilar(word: string, candidates: string[]): string {
  const w = word.slice(2)
  let best = 3
  let similar: string[] = []
  for (const c of candidates.map((x) => x.slice(2))) {
    if (c.length <= 1) continue
    const distance = editDistance(w, c)
    const length = Math.max(w.length, c.length)
    if ((length - distance) / length <= 0.4) continue
    if (distance < best) {
      best = distance
      similar = [c]
    } else if (distance === best) {
      similar.push(c)
    }
  }
  similar.sort((a, b) => a.localeCompare(b))
  const named = similar.map((c) => `--${c}`)
  if (named.length > 1) return `\n(Did you mean one of ${named.join(', ')}?)`
  if (named.length === 1) return `\n(Did you mean ${named[0]}?)`
  return ''
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.max(a.length, b.length)
  const d: number[][] = []
  for (let i = 0; i <= a.length; i++) d[i] = [i]
  for (let j = 0; j <= b.length; j++) d[0]![j] = j
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
      }
    }
  }
  return d[a.length]![b.length]!
}
