/** The CLI's flag parser, table-driven: argv -> flags, argv -> the message of a mistake. */
import { execFileSync, spawnSync } from 'node:child_process'

import test from 'ava'

import { type Flags, HELP, parse } from '../src/cli/args'
import { excludeFile } from '../src/cli/main'
import { BYTES, formatSize, HUMAN, KIB, MIB, parseBlockSize, SI } from '../src/cli/units'

import { caps, testIf } from './helpers/platform'

const flags = (argv: string[]): Flags => {
  const p = parse(argv)
  if (p.kind !== 'run') throw new Error(`${argv.join(' ')}: ${JSON.stringify(p)}`)
  return p.flags
}

// argv -> the flags it sets (the rest keep their defaults).
const accepted: Array<[string[], Partial<Flags>]> = [
  [[], { paths: ['.'], units: HUMAN, apparent: false }],
  [['a', 'b'], { paths: ['a', 'b'] }],
  [['-s'], { summarize: true }],
  [['-sbc', 'x'], { summarize: true, units: BYTES, apparent: true, total: true, paths: ['x'] }],
  [['-d1'], { depth: 1 }],
  [['-d', '1'], { depth: 1 }],
  [['--max-depth=1'], { depth: 1 }],
  [['--max-depth', '2'], { depth: 2 }],
  [['--depth', '3'], { depth: 3 }],
  [['-d', '01'], { depth: 1 }],
  [['-d', '4294967295'], { depth: 4294967295 }],
  [['-sd0'], { summarize: true, depth: 0 }],
  [['-bd1', 'x'], { units: BYTES, depth: 1, paths: ['x'] }],
  [['--exclude', 'a', '--exclude=b', '--exclude', '--json'], { exclude: ['a', 'b', '--json'], json: false }],
  [['-X', 'f', '--exclude-from=g', '-Xh'], { excludeFrom: ['f', 'g', 'h'] }],
  [['--', '--json', '-s', '-'], { paths: ['--json', '-s', '-'], json: false, summarize: false }],
  [['-'], { paths: ['-'] }],
  [['x', '--json', 'y'], { paths: ['x', 'y'], json: true }],
  [['--threads', '1024', '--top', '4294967295'], { threads: 1024, top: 4294967295 }],
  [['-0', '--ndjson', '--html', 'r.html'], { null: true, ndjson: true, html: 'r.html' }],
  [['--progress'], { progress: true }],
  [['--progress', '--no-progress'], { progress: false }],
  [['--no-progress', '--progress'], { progress: true }],
  [['-xLl'], { oneFileSystem: true, dereference: true, countLinks: true }],
  [['--ignore', '^x$'], { ignore: '^x$' }],
  [[''], { paths: [''] }],
  // The last of -b -h -k -m -B --si sets the units, as in du; -b's apparent size stays.
  [['-b', '-h'], { units: HUMAN, apparent: true }],
  [['-h', '-b'], { units: BYTES, apparent: true }],
  [['-b', '-k'], { units: KIB, apparent: true }],
  [['-k', '-m'], { units: MIB, apparent: false }],
  [['-m', '--si'], { units: SI }],
  [['--si', '-h'], { units: HUMAN }],
  [['-B1', '--apparent-size'], { units: BYTES, apparent: true }],
  [['-BK'], { units: { kind: 'blocks', bytes: 1024n, suffix: 'K' } }],
  [['--block-size=1MB'], { units: { kind: 'blocks', bytes: 1_000_000n, suffix: '' } }],
  [['-B', 'si'], { units: SI }],
  [['-Bh', '-k'], { units: KIB }],
]

for (const [argv, expected] of accepted) {
  test(`parse ${JSON.stringify(argv)}`, (t) => {
    const got = flags(argv)
    for (const [k, v] of Object.entries(expected)) t.deepEqual(got[k as keyof Flags], v, k)
  })
}

// argv -> the first line(s) of the message (the usage line follows it).
const refused: Array<[string[], string]> = [
  [['--bogus'], "error: unknown option '--bogus'"],
  [['-q'], "error: unknown option '-q'"],
  [['-sq'], "error: unknown option '-q'"],
  // -o is a flag (ncdu's -o): -bogus would be -b -o gus.
  [['-bqgus'], "error: unknown option '-qgus'"],
  [['-s=1'], "error: unknown option '-=1'"],
  [['--k'], "error: unknown option '--k'"],
  [['-5'], "error: unknown option '-5'"], // -0 is a flag, so no number is a path, as in commander
  [['-05'], "error: unknown option '-5'"],
  [['--constructor'], "error: unknown option '--constructor'"],
  [['--json=1'], "error: unknown option '--json=1'\n(Did you mean --json?)"],
  [['--no-json'], "error: unknown option '--no-json'\n(Did you mean --ndjson?)"],
  [['--thread', '1'], "error: unknown option '--thread'\n(Did you mean --threads?)"],
  [['--Help'], "error: unknown option '--Help'\n(Did you mean --help?)"],
  [['--depht', '1'], "error: unknown option '--depht'"], // --depth is hidden: never suggested
  [['--threads'], "error: option '--threads <N>' argument missing"],
  [['-d'], "error: option '-d, --max-depth <N>' argument missing"],
  [['-sd'], "error: option '-d, --max-depth <N>' argument missing"],
  [['--exclude'], "error: option '--exclude <PATTERN>' argument missing"],
  [['-X'], "error: option '-X, --exclude-from <FILE>' argument missing"],
  [['-B'], "error: option '-B, --block-size <SIZE>' argument missing"],
  [['--threads', 'abc'], "error: option '--threads <N>' argument 'abc' is invalid. expected an integer of at least 1, got 'abc'."],
  [['--top', '-1'], "error: option '--top <N>' argument '-1' is invalid. expected an integer of at least 1, got '-1'."],
  [['-d', '1.5'], "error: option '-d, --max-depth <N>' argument '1.5' is invalid. expected an integer of at least 0, got '1.5'."],
  [['-d=1'], "error: option '-d, --max-depth <N>' argument '=1' is invalid. expected an integer of at least 0, got '=1'."],
  [['-d', '--json'], "error: option '-d, --max-depth <N>' argument '--json' is invalid. expected an integer of at least 0, got '--json'."],
  [['--threads', '1025'], "error: option '--threads <N>' argument '1025' is invalid. expected an integer from 1 to 1024, got '1025'."],
  [['--threads', '1000000000'], "error: option '--threads <N>' argument '1000000000' is invalid. expected an integer from 1 to 1024, got '1000000000'."],
  [['--top', '4294967296'], "error: option '--top <N>' argument '4294967296' is invalid. expected an integer from 1 to 4294967295, got '4294967296'."],
  [['-d', '4294967296'], "error: option '-d, --max-depth <N>' argument '4294967296' is invalid. expected an integer from 0 to 4294967295, got '4294967296'."],
  [['-B', '1b'], "error: option '-B, --block-size <SIZE>' argument '1b' is invalid. expected a size like 1K, 1M, 1MB, 1KiB or 512, got '1b' (an invalid suffix)."],
  [['-B', '0'], "error: option '-B, --block-size <SIZE>' argument '0' is invalid. expected a size like 1K, 1M, 1MB, 1KiB or 512, got '0'."],
  [['--block-size=16E'], "error: option '-B, --block-size <SIZE>' argument '16E' is invalid. expected a size below 2^64 bytes (16E), got '16E'."],
  [['-s', '-d', '2'], 'dirsize: cannot both summarize and show directories below depth 0'],
  [['-d1', '-s'], 'dirsize: cannot both summarize and show directories below depth 0'],
  [['--json', '--ndjson'], 'dirsize: --json and --ndjson cannot be used together'],
  // commander's order: a bad value at once; --version when reached; --help before an unknown option.
  [['--bogus', '--threads', 'x'], "error: option '--threads <N>' argument 'x' is invalid. expected an integer of at least 1, got 'x'."],
  [['--threads', 'x', '--bogus'], "error: option '--threads <N>' argument 'x' is invalid. expected an integer of at least 1, got 'x'."],
  [['--bogus', '--json', '--ndjson'], "error: unknown option '--bogus'"],
]

for (const [argv, message] of refused) {
  test(`refuse ${JSON.stringify(argv)}`, (t) => {
    t.deepEqual(parse(argv), { kind: 'usage', message })
  })
}

test('--help and --version: wherever they are, in commander order', (t) => {
  t.deepEqual(parse(['--help']), { kind: 'help' })
  t.deepEqual(parse(['x', '--help', 'y']), { kind: 'help' })
  t.deepEqual(parse(['--bogus', '--help']), { kind: 'help' })
  t.deepEqual(parse(['--help', '--threads', 'x']).kind, 'usage')
  t.deepEqual(parse(['--version']), { kind: 'version' })
  t.deepEqual(parse(['--bogus', '--version']), { kind: 'version' })
  t.deepEqual(parse(['--version', '--threads', 'x']), { kind: 'version' })
  t.deepEqual(parse(['--', '--help']).kind, 'run')
})

test('--help keeps every line it had, and adds -B, -k, -m, -X, -o and -e', (t) => {
  const added = [
    '  -B, --block-size <SIZE>',
    '                         sizes in units of SIZE bytes, rounded up, as du -B',
    '                         (1K, 1M, 1MB, 1KiB; -B K prints the unit too)',
    '  -k                     like --block-size=1K',
    '  -m                     like --block-size=1M',
    '  -X, --exclude-from <FILE>',
    '                         skip entries matching any pattern in FILE, one per line',
    "  -o, --export <FILE>    also save the scan in ncdu's JSON format to FILE (one",
    '                         path; FILE.gz is gzipped; - is stdout, which then holds',
    '                         only the JSON); ncdu -f and gdu -f read it',
    '  -e, --extended         with -o, ncdu\'s extended fields too (uid, gid, mode,',
    '                         mtime)',
    '  dirsize -o home.json.gz ~ && ncdu -f home.json.gz   browse a saved scan in ncdu',
    // Saved scans (-f) and diff (issue 16).
    '       dirsize diff [options] OLD NEW   (what changed: dirsize diff --help)',
    '  -f, --file <FILE>      read saved scans instead of the file system: FILE and',
    '                         every path after it (ncdu\'s JSON format, as dirsize',
    '                         -o, ncdu -o and gdu -o write it; .gz too)',
    '  dirsize -f scans/*.json -d 2     saved scans of many hosts, audited together',
    '  dirsize diff last-week.json tonight.json   what grew, shrank, came and went',
    // groupBy and the file filters (issue 17).
    '  --by <KEY>             totals by extension, type, owner, group or age, a table',
    '                         per key after the lines (repeatable)',
    '  --time <WORD>          the timestamp of --by age and the time filters: mtime',
    '                         (the default), atime or ctime',
    "  --min-size <SIZE>      count only files of at least SIZE bytes (apparent; du's",
    '                         suffixes: 10K, 1M, 2G, 1MB)',
    '  --max-size <SIZE>      count only files of at most SIZE bytes',
    '  --older-than <N|DATE>  count only files whose time is more than N days old, or',
    '                         before DATE (ISO 8601: 2024-01-31)',
    '  --newer-than <N|DATE>  count only files whose time is less than N days old, or',
    '                         after DATE',
    '  --type <f|l|o>         count only regular files (f), symlinks (l) or other',
    '                         files (o) (repeatable)',
    '                         (with a filter, directories are walked, not counted)',
    '  dirsize --by owner --by age /home          who fills /home, and with how old data',
    '  dirsize --older-than 365 --min-size 100M --top 20 /srv    big files untouched for a year',
  ]
  // The exit status paragraph gains write errors and a closed pipe.
  const epilogue = (help: string): number => help.indexOf('\nExit status:')
  const before = HELP.slice(0, epilogue(HELP)).split('\n').filter((l) => !added.includes(l)).join('\n')
  t.is(before, COMMANDER_HELP.slice(0, epilogue(COMMANDER_HELP)))
  t.is(HELP.slice(0, epilogue(HELP)).split('\n').length, COMMANDER_HELP.slice(0, epilogue(COMMANDER_HELP)).split('\n').length + added.length)
  t.regex(HELP.slice(epilogue(HELP)), /2 on bad\nusage, 130 when interrupted, 141 when the reader of stdout went away/)
})

// `dirsize --help` as commander 14 printed it (80 columns), before -B, -k, -m and -X.
const COMMANDER_HELP = `Usage: dirsize [options] [paths...]

Disk usage of each path, like du -sh, walked in parallel.

Arguments:
  paths                  roots to size (default: ["."])

Options:
  -s, --summarize        one line per root (the default)
  -h, --human-readable   sizes like 1.5K 234M 2.0G (the default, unless -b)
  -b, --bytes            apparent size in bytes (du -b)
  --apparent-size        apparent size instead of disk usage
  --si                   like -h, in powers of 1000
  -c, --total            print a grand total
  -x, --one-file-system  skip directories on other file systems
  -L, --dereference      follow symbolic links
  -l, --count-links      count sizes many times if hard linked
  -d, --max-depth <N>    a line per directory down to depth N
  --exclude <PATTERN>    skip entries matching this glob (repeatable) (default:
                         [])
  --ignore <REGEX>       skip entries whose full path matches this JavaScript
                         RegExp
  --top <N>              also list the N largest files
  --threads <N>          worker threads (default: 4 per core, at most 64)
  -0, --null             end each output line with NUL, not newline (exact path
                         bytes)
  --json                 one JSON document on stdout
  --ndjson               one JSON line per root as soon as it is done, then a
                         total line
  --html <FILE>          also write a self-contained HTML report (a zoomable
                         treemap) to FILE
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
  dirsize bench --quick --out bench-out     time dirsize against du and the npm packages

Exit status: 0 if everything was read, 1 if some root or entry could not be read (each one
is reported on stderr, the rest is still printed), 2 on bad usage, 130 when interrupted.
`

test('-X files: one pattern a line, trailing white space and blank lines dropped, a NUL ends a pattern', (t) => {
  t.deepEqual(excludeFile(Buffer.from('a\r\n\n   \n b\nc  \n\te\t\nlast')), ['a', ' b', 'c', '\te', 'last'])
  t.deepEqual(excludeFile(Buffer.from('x\0y\n\0z\nq \0 \n')), ['x', 'q '])
  t.deepEqual(excludeFile(Buffer.from('')), [])
  t.deepEqual(excludeFile(Buffer.from('\n\n')), [])
})

// SIZE strings du -B reads, and ones it refuses, each asked of du itself.
const sizes = [
  '1', '1K', 'K', 'k', 'KB', 'kB', 'KiB', 'M', 'MB', 'MiB', '1M', '1MB', '1000', '0x400', '010', ' 1K', '+1K',
  '1k', '1kB', '1KD', 'KD', 'E', 'EB', 'EiB', 'G', 'g', 't', 'T', 'P', 'm', '512', "'1", "'K", '15E', '1EB',
  '18446744073709551615', '0xffffffffffffffff', 'h', 'hu', 'human-readable', 'si', 's',
  '1b', '1B', '1c', '1w', '1e', 'Z', 'Y', '16E', '20EB', '0', '-1', ' -1', '', '1.5K', '1Ki', '1KiBx', 'iB', '1KB ',
  '0x', '08', ' ', '18446744073709551616', 'x', '+', 'sim', 'human-readablex',
]

testIf(caps.gnuDu)('-B SIZE: every size du takes gives du\'s units, every one it refuses is refused', (t) => {
  const checks: Array<[bigint, string, string]> = [] // a file size, -B SIZE, what dirsize prints
  for (const s of sizes) {
    const du = spawnSync('du', ['-s', '--apparent-size', `--block-size=${s}`, '/dev/null'], { encoding: 'utf8' })
    const units = parseBlockSize(s)
    if (du.status !== 0) {
      t.is(typeof units, 'string', `du refuses ${JSON.stringify(s)}: ${du.stderr}`)
      const why = /too large/.test(du.stderr) ? 'too large' : /invalid suffix/.test(du.stderr) ? 'invalid suffix' : 'invalid'
      t.is(units, why, JSON.stringify(s))
      continue
    }
    if (typeof units === 'string') {
      t.fail(`du takes ${JSON.stringify(s)}, dirsize refuses it: ${units}`)
      continue
    }
    // A file of exactly one unit, and one of a byte more (rounded up), and a 5000-byte one.
    const one = units.kind === 'blocks' ? units.bytes : 1n
    for (const size of [one, one + 1n, 5000n]) checks.push([size, s, formatSize(size, units)])
  }
  const du = duSizes(checks.map(([size, s]) => [size, s]))
  checks.forEach(([size, s, ours], i) => {
    // A sparse file past the file system's largest (2^63 - 1 on tmpfs) cannot be made.
    if (du[i] !== 'too big') t.is(ours, du[i], `${size} bytes, -B ${JSON.stringify(s)}`)
  })
  t.true(du.filter((x) => x !== 'too big').length > checks.length - 10)
})

/** du's figures for sparse files of these apparent sizes, in -B SIZE units (on tmpfs when there is one). */
function duSizes(cases: Array<[bigint, string]>): string[] {
  const script = [
    'import json, os, subprocess, sys, tempfile',
    'base = "/dev/shm" if os.path.isdir("/dev/shm") else None',
    'd = tempfile.mkdtemp(dir=base)',
    'p = os.path.join(d, "f")',
    'out = []',
    'for size, spec in json.load(sys.stdin):',
    '    try:',
    '        with open(p, "wb") as f: f.truncate(int(size))',
    '    except (OSError, OverflowError):',
    '        out.append("too big"); continue',
    '    r = subprocess.run(["du", "--apparent-size", "--block-size=" + spec, p], capture_output=True, text=True)',
    '    out.append(r.stdout.split("\\t")[0])',
    'os.unlink(p); os.rmdir(d)',
    'print(json.dumps(out))',
  ].join('\n')
  const input = JSON.stringify(cases.map(([size, spec]) => [size.toString(), spec]))
  return JSON.parse(execFileSync('python3', ['-c', script], { input, encoding: 'utf8' })) as string[]
}
