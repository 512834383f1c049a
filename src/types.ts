/** Public types of the dirsize API. */

/** A size or count: `number` by default, `bigint` with `{ bigint: true }`. */
export type Num = number | bigint

/**
 * A path, as `fs` takes one: a string, or a Buffer holding the exact bytes of a name that is
 * not UTF-8 (any Uint8Array is read as one). The Result shows it as `path` and `pathBuffer`.
 */
export type PathArg = string | Buffer

export interface Options {
  /**
   * Worker threads (default: 4 per core, at most 64); 1 walks serially on one thread. The
   * TypeScript walker starts this many worker threads for a large tree (default: one per
   * core, at most 64).
   */
  threads?: number
  /** Count every hard link of a file (du -l); by default a file counts once per scan. */
  countLinks?: boolean
  /**
   * Follow symbolic links (du -L); every inode still counts once (with countLinks, once per
   * way in, as du -L -l), and a link back up is never entered, so links never loop.
   */
  followSymlinks?: boolean
  /** Do not cross into other file systems (du -x). */
  oneFileSystem?: boolean
  /**
   * Patterns as du --exclude reads them: fnmatch(3) against each entry's path (the root as
   * given, then `/name` per level) and every tail of it after a `/`; `*` and `?` match `/`.
   * So `node_modules` skips every entry of that name, `b/c` a c inside any b, `*.log` every
   * name ending in .log.
   */
  exclude?: readonly string[]
  /** Tested against each entry's full path (the root as given, joined with `/`); never a root itself. */
  ignore?: RegExp
  /** Per-directory totals down to this depth (root = 0), like du -d N, in `tree`. */
  depth?: number
  /** The N largest files, in `largest`. */
  top?: number
  /** Reject on the first error instead of collecting errors. */
  strict?: boolean
  /** Sizes and counts as bigint. */
  bigint?: boolean
  /** Aborting rejects the scan with an AbortError and stops its threads. */
  signal?: AbortSignal
  /**
   * Called with running totals at most every `progressIntervalMs`, and once at the end with
   * the final totals. The walk never waits for it: a call due while the previous one still
   * runs, or sooner than 9 times that one's duration after it ended, is dropped, so a slow
   * callback holds the thread at most 10% of the time. A throw rejects the scan.
   */
  onProgress?: (progress: Progress) => void
  /** Default 100; at most 2^31 - 1 (Node's longest timer). */
  progressIntervalMs?: number
  /**
   * Called with each root's result as soon as that root is done, in order; the Result then
   * has no `roots` (memory stays flat over thousands of roots). Not for `dirsizeSync`.
   */
  onRoot?: (root: RootResult<Num>) => void
  /**
   * Totals by extension, type, owner, group or age (one or several), in `groups[key]`, for
   * the scan and per root. A key's groups partition what was counted: they sum to the totals.
   */
  groupBy?: GroupKey | readonly GroupKey[]
  /** The timestamp of the age groups and of `filter.olderThan`/`newerThan`; default 'mtime'. */
  time?: 'mtime' | 'atime' | 'ctime'
  /**
   * Count only the non-directories that match every filter given (directories are walked,
   * not counted: `dirs` is 0); the totals, groups, `tree` and `largest` then hold only them.
   */
  filter?: FileFilter
}

/** What `groupBy` can total by. */
export type GroupKey = 'extension' | 'type' | 'owner' | 'group' | 'age'

/**
 * One group. `key`: an extension (`.gz`, lowercased; `(none)`; `(directory)`, `(symlink)`,
 * `(other)` for what is not a file), a type (file, directory, symlink, other), an owner or
 * group name (the id in decimal when the system has no name for it), or an age bucket
 * (`future`, `< 1 day`, `< 1 week`, `< 1 month`, `< 3 months`, `< 1 year`, `< 2 years`,
 * `< 5 years`, `older`).
 */
export interface Group<N extends Num = number> {
  key: string
  /** Owner groups: the uid. */
  uid?: number
  /** Group groups: the gid. */
  gid?: number
  /** Entries of every kind in the group: a key's groups sum to files + dirs + symlinks + others. */
  files: N
  bytes: N
  diskBytes: N
}

/** The groups of each key asked for, largest disk usage first. */
export type Groups<N extends Num = number> = { [K in GroupKey]?: Group<N>[] }

/** Which non-directories count (`filter`): all the filters given must hold. */
export interface FileFilter {
  /** At least this apparent size, in bytes. */
  minSize?: number
  /** At most this apparent size, in bytes. */
  maxSize?: number
  /**
   * The timestamp (`time`) more than this many days (of 86,400 s) before the scan started,
   * or before this date (a Date, or an ISO 8601 string as Date.parse reads it). To the second.
   */
  olderThan?: number | string | Date
  /** The timestamp less than this many days before the scan started, or after this date. */
  newerThan?: number | string | Date
  /** 'f' regular files, 'l' symlinks, 'o' anything else (fifos, sockets, devices); one or several. */
  type?: FileType | readonly FileType[]
}

/** `filter.type`'s letters, as find -type spells them. */
export type FileType = 'f' | 'l' | 'o'

/** Running totals of a scan (numbers, whatever `bigint` says), with the errors so far. */
export interface Progress extends Totals<number> {
  errors: number
  elapsedMs: number
}

/** An entry that could not be read; the scan went on without it. */
export interface ScanError {
  path: string
  /** The exact path bytes, present only when `path` is not valid UTF-8 (then `path` shows U+FFFD). */
  pathBuffer?: Buffer
  /** Like 'EACCES', 'ENOENT'. */
  code: string
  /** Negative, as in Node's own errors. */
  errno: number
  message: string
  /** What failed, as Node names it: 'lstat' or 'stat' (an entry), 'scandir' (a listing). */
  syscall: string
}

export interface TreeEntry<N extends Num = number> {
  path: string
  pathBuffer?: Buffer
  bytes: N
  diskBytes: N
  files: N
  depth: number
}

export interface LargeFile<N extends Num = number> {
  path: string
  pathBuffer?: Buffer
  bytes: N
  diskBytes: N
}

/**
 * What a scan counts, declared once: Progress, RootResult and Result extend it, the CLI's
 * and the report's counters add `errorCount` to it, and the TypeScript walker counts in
 * `Totals<bigint>`.
 */
export interface Totals<N extends Num = number> {
  /** Apparent size: the sum of st_size, as `du -sb`. */
  bytes: N
  /** Allocated size: the sum of st_blocks * 512, as `du -s -B1`. */
  diskBytes: N
  files: N
  dirs: N
  symlinks: N
  others: N
}

export interface RootResult<N extends Num = number> extends Totals<N> {
  path: string
  pathBuffer?: Buffer
  /** Set when the root itself could not be read (it does not exist, say); also in `errors`. */
  rootError?: ScanError
  errors: ScanError[]
  errorCount: number
  tree?: TreeEntry<N>[]
  largest?: LargeFile<N>[]
  groups?: Groups<N>
}

export type Backend = 'native' | 'typescript'

export interface Result<N extends Num = number> extends Totals<N> {
  /** At most 10,000 per root are kept; `errorCount` counts them all. */
  errors: ScanError[]
  errorCount: number
  elapsedMs: number
  backend: Backend
  /** With several roots: one result per root, in the order given. */
  roots?: RootResult<N>[]
  tree?: TreeEntry<N>[]
  largest?: LargeFile<N>[]
  /** With `groupBy`: every root's groups merged. */
  groups?: Groups<N>
}
