/**
 * The pure-TypeScript walker: the same semantics as the native scan (ARCHITECTURE.md,
 * "Semantics"; "The walker, twice" pairs each function with its Rust twin). A RootWalk walks
 * serially; parallel.ts spreads one root's directories over worker threads, each walking its
 * share with a RootWalk of its own (`RootWalk.subtrees`) whose `partial()` the root's
 * RootWalk `merge`s.
 *
 * It is written once as a generator that yields the file-system calls it needs and receives
 * their answers, so one piece of logic serves both the async driver (fs.promises, or a
 * caller's own fs such as memfs) and the sync one (dirsizeSync without the addon).
 */
import { codeOf } from '../errors'
import type { RawGroupList } from '../groups'
import { type Normalized, testRegExp } from '../options'
import { zeroTotals } from '../result'
import type { LargeFile, RootResult, ScanError, Totals, TreeEntry } from '../types'

import { duChild, duRoot, Exclude } from './exclude'
import type { ExportDir, ExportTree, Refused } from './export'
import { filtering, Grouper, type GroupSums, type KindKey, Names, selects } from './groups'
import type { StatLike } from './stat'

export type { StatLike } from './stat'

/** A path: a Buffer with the real file system (exact bytes), a string with a caller's fs. */
export type FsPath = string | Buffer

export type FsCall =
  | { op: 'lstat' | 'stat'; path: FsPath }
  | { op: 'readdir'; path: FsPath }

export type FsAnswer =
  | { ok: true; value: StatLike | FsPath[] }
  | { ok: false; error: NodeJS.ErrnoException }

/**
 * A public result shape as the walker builds it: bigint counts, and the path as the fs took
 * it (exact bytes, or a caller's string) in place of `path`/`pathBuffer`; the backend turns
 * it back into the public shape (pathFields).
 */
type AtFsPath<T> = Omit<T, 'path' | 'pathBuffer'> & { path: FsPath }

export type WalkError = AtFsPath<ScanError> & {
  /** The error the fs gave, for callers that hand Error objects on (get-folder-size). */
  error: NodeJS.ErrnoException
}

export type WalkTreeEntry = AtFsPath<TreeEntry<bigint>>

export type WalkLargeFile = AtFsPath<LargeFile<bigint>>

/** A root's result: the root as given (a string, or a Buffer of exact bytes) and its counts. */
export type WalkRoot = AtFsPath<Omit<RootResult<bigint>, 'errors' | 'rootError' | 'tree' | 'largest' | 'groups'>> & {
  errors: WalkError[]
  rootError?: WalkError
  tree?: WalkTreeEntry[]
  largest?: WalkLargeFile[]
  groups?: RawGroupList[]
}

/** How paths are joined: du-style by default (`root/name`); get-folder-size uses path.join. */
export type Joiner = (dir: FsPath, name: FsPath) => FsPath

export interface WalkSetup {
  /** Return Buffers from readdir (the real fs, lossless names) or strings (a caller's fs). */
  buffers: boolean
  join?: Joiner
  /** Called between entries: true stops the walk (abort). */
  stopped?: () => boolean
  /** Counters so far, for progress reporting. */
  live?: Totals<bigint> & { errors: number }
  /** Saving the scan in ncdu's format (export.ts): every entry is also written there. */
  export?: ExportTree
  /**
   * Called between directories with the stack of those still to list: true pauses the walk
   * (the calling thread's share of a parallel scan is done). It may take directories off the
   * bottom of the stack (a worker handing work back).
   */
  between?: (stack: DirWork[]) => boolean
}

export class StrictError extends Error {
  constructor(readonly walkError: WalkError) {
    super(walkError.message)
  }
}

const MAX_ERRORS = 10_000

function duJoin(dir: FsPath, name: FsPath): FsPath {
  if (typeof dir === 'string' && typeof name === 'string') return dir.endsWith('/') ? dir + name : `${dir}/${name}`
  const d = typeof dir === 'string' ? Buffer.from(dir) : dir
  const n = typeof name === 'string' ? Buffer.from(name) : name
  return d.length > 0 && d[d.length - 1] === 0x2f ? Buffer.concat([d, n]) : Buffer.concat([d, Buffer.from('/'), n])
}

function text(p: FsPath): string {
  return typeof p === 'string' ? p : p.toString('utf8')
}

/** A root as the fs is asked for it: the real fs takes exact bytes, a caller's fs strings. */
function rootFsPath(root: FsPath, setup: WalkSetup): FsPath {
  if (!setup.buffers) return text(root)
  return typeof root === 'string' ? Buffer.from(root) : root
}

export interface TreeNode {
  parent?: TreeNode
  path: FsPath
  depth: number
  bytes: bigint
  diskBytes: bigint
  files: bigint
}

/** A -d bucket as a RootWalk keeps it: a tree node named across threads. */
interface Bucket extends TreeNode {
  /** Names the bucket across threads: a worker adds to a bucket another thread made. */
  key: string
  parent?: Bucket
  /** Made by this walk (not a stand-in for another thread's bucket): its partial defines it. */
  own: boolean
  /** Its definition went out in a partial already. */
  sent?: boolean
}

/** A directory being walked and the ones it is inside of, up to the root. */
interface Chain {
  dev: bigint
  ino: bigint
  up?: Chain
}

export interface DirWork {
  path: FsPath
  /** The path du forms for it, when an exclude pattern needs whole paths. */
  duPath?: Buffer
  depth: number
  bucket?: Bucket
  chain: Chain
  /** Its node in the export. */
  out?: ExportDir
}

/**
 * Whether a directory is one of the directories it was reached from: a bind mount or a
 * followed symlink leading back up (fts calls it a cycle, FTS_DC). du neither counts nor
 * enters it, and says nothing. Node's stats carry no mount-root attribute (the native
 * walker checks only below one), so here every directory is compared with its ancestors.
 */
function inside(chain: Chain | undefined, dev: bigint, ino: bigint): boolean {
  for (let c = chain; c; c = c.up) if (c.ino === ino && c.dev === dev) return true
  return false
}

/** A root as fts (so du) shows it: `dir//` is `dir/`, `///` is `/`, `//` stays. */
function trimRoot<P extends FsPath>(root: P): P {
  const sep = (c: number | undefined): boolean => c === 0x2f || (process.platform === 'win32' && c === 0x5c)
  const at = (i: number): number | undefined => (typeof root === 'string' ? root.charCodeAt(i) : root[i])
  let len = root.length
  if (len > 2 && sep(at(len - 1))) while (len > 1 && sep(at(len - 2))) len--
  return (typeof root === 'string' ? root.slice(0, len) : root.subarray(0, len)) as P
}

type Walk<T> = Generator<FsCall, T, FsAnswer>

/**
 * A directory to list, as it crosses to a worker: its bucket by key, its chain of ancestors
 * as (dev, ino) pairs from itself up.
 */
export interface DirWire {
  path: FsPath
  duPath?: Buffer
  depth: number
  bucket?: string
  chain: bigint[]
}

export function toWire(d: DirWork): DirWire {
  const chain: bigint[] = []
  for (let c: Chain | undefined = d.chain; c; c = c.up) chain.push(c.dev, c.ino)
  return { path: d.path, duPath: d.duPath, depth: d.depth, bucket: d.bucket?.key, chain }
}

/** A hard-linked entry a worker met: counted only if the root's thread has not seen it. */
export interface LinkPart {
  key: string
  /** The stat's numbers (every bigint field of Node's BigIntStats): whatever counting reads. */
  stat: Record<string, bigint>
  kind: 'files' | 'symlinks' | 'others'
  path: FsPath
  /** Its name in its directory (groups by extension read it). */
  name: FsPath
  bucket?: string
}

/** A bucket's sums from a worker, and its place in the tree the first time it is sent. */
export interface BucketPart {
  key: string
  def?: { parent?: string; path: FsPath; depth: number }
  bytes: bigint
  diskBytes: bigint
  files: bigint
}

/**
 * What a worker's walk of some directories adds to its root: everything a RootWalk
 * accumulates, and the hard links it leaves to the root's thread to decide (one link set, in
 * root order). A new accumulator in RootWalk goes here, in `partial()` and in `merge()`.
 */
export interface RootPartial {
  /** The directories it admitted, when a scan counts a directory once (several roots). */
  dirs: string[]
  totals: Totals<bigint>
  errors: WalkError[]
  errorCount: number
  buckets: BucketPart[]
  largest: WalkLargeFile[]
  links: LinkPart[]
  /** groupBy's sums (Maps cross to the root's thread as they are). */
  groups?: GroupSums
}

/** Walks every root in order (one hard-link set for all), yielding to `each` as roots finish. */
export function* walkRoots(n: Normalized, setup: WalkSetup, each: (r: WalkRoot) => void): Walk<void> {
  const shared = yield* sharedRoots(n, setup)
  for (const root of n.roots) {
    const r = yield* new RootWalk(trimRoot(root), shared).walk()
    // A stop (abort, a progress callback that threw) rejects the scan: a root it cut short
    // is no result to hand on, and the roots after it are not started.
    if (setup.stopped?.()) return
    each(r)
  }
}

/**
 * What the roots of a scan share: the patterns, the link set (`seen`: parallel.ts passes
 * one that keeps a journal), and with several roots the watch set and the rule that a
 * directory counts once.
 */
export function* sharedRoots(n: Normalized, setup: WalkSetup, seen = new Set<string>()): Walk<ScanShared> {
  const exclude = new Exclude(n.exclude)
  // Several roots: a directory reached from two of them counts in the first only, as du.
  const dirsOnce = n.roots.length > 1 && !n.countLinks
  const watch = yield* watchSet(n, setup)
  return { n, setup, exclude, seen, dirsOnce, watch, names: new Names(), select: filtering(n.filter) ? n.filter : undefined }
}

/** A root as the walk takes it (fts's trimming), for a caller that makes its RootWalks. */
export const rootOf = trimRoot

/**
 * The roots that are not directories, when there are several (the native walker's
 * watch_set): du counts every inode once across its roots, and a file with one link can
 * be reached twice only if a root names it, so only those go through the link set.
 */
function* watchSet(n: Normalized, setup: WalkSetup): Walk<Set<string>> {
  const watch = new Set<string>()
  if (n.roots.length < 2 || n.countLinks || n.followSymlinks) return watch
  for (const root of n.roots) {
    if (setup.stopped?.()) break
    const r = yield { op: 'lstat', path: rootFsPath(root, setup) }
    if (r.ok && !(r.value as StatLike).isDirectory()) watch.add(keyOf(r.value as StatLike))
  }
  return watch
}

function keyOf(s: StatLike): string {
  return `${s.dev ?? 0n}:${s.ino}`
}

/** What every root's walk shares: the options, the patterns, and the scan-wide link set. */
export interface ScanShared {
  n: Normalized
  setup: WalkSetup
  exclude: Exclude
  /** dev:ino of every inode counted once per scan (du's hard-link set). */
  seen: Set<string>
  /** Several roots: a directory reached from two of them counts in the first only. */
  dirsOnce: boolean
  watch: Set<string>
  /** uid and gid names, looked up once per scan. */
  names: Names
  /** The file filters, when any is set. */
  select?: NonNullable<Normalized['filter']>
}

/**
 * The walk of one root (the native walker's RootWalk and its helpers): admit an entry or
 * not, count it, put it in its -d bucket, list a directory, and hand over the finished root.
 */
export class RootWalk {
  private totals = zeroTotals()
  private errors: WalkError[] = []
  private errorCount = 0
  private rootError: WalkError | undefined
  private buckets: Bucket[] = []
  /** Every bucket by key, those other threads made included (merge), and stand-ins (subtrees). */
  private readonly byKey = new Map<string, Bucket>()
  private nextKey = 0
  private largest: Largest
  /** Hard-linked entries left to the root's thread (a worker's walk: `deferLinks`). */
  private links: LinkPart[] = []
  private readonly statOp: 'stat' | 'lstat'
  private readonly join: Joiner
  private rootDev: bigint | undefined
  private readonly grouper: Grouper | undefined
  /** A worker's walk leaves hard links to the root's thread; the one link set lives there. */
  private deferLinks = false
  /** A worker's walk lists the directories it admitted (several roots: each counts once). */
  private reportDirs = false
  private dirKeys: string[] = []
  private collision = false

  constructor(
    private readonly root: FsPath,
    private readonly scan: ScanShared,
    /** Prefix of this walk's bucket keys: unique per thread and chunk. */
    private readonly keyPrefix = '',
  ) {
    this.largest = new Largest(scan.n.top)
    this.statOp = scan.n.followSymlinks ? 'stat' : 'lstat'
    this.join = scan.setup.join ?? duJoin
    this.grouper = scan.n.groupBy.length > 0 ? new Grouper(scan.n.groupBy, scan.n.now, scan.n.time) : undefined
  }

  /**
   * A worker's walk of some of a root's directories: no root to stat, hard links left to the
   * root's thread, and buckets it did not make stood in for by key.
   */
  static subtrees(
    n: Normalized,
    setup: WalkSetup,
    scanWide: { dirsOnce: boolean; watch: Set<string> },
    rootDev: bigint | undefined,
    keyPrefix: string,
    dirs: DirWire[],
  ): { walk: RootWalk; stack: DirWork[] } {
    // The worker admits every directory itself and lists those it admitted (`dirs` of its
    // partial); the root's thread checks them against the scan's set (`collided`).
    const scan: ScanShared = { n, setup, exclude: new Exclude(n.exclude), seen: new Set(), dirsOnce: false, watch: scanWide.watch, names: new Names(), select: filtering(n.filter) ? n.filter : undefined }
    const walk = new RootWalk('', scan, keyPrefix)
    walk.rootDev = rootDev
    walk.deferLinks = !n.countLinks
    walk.reportDirs = scanWide.dirsOnce
    const stack = dirs.map((d): DirWork => {
      let chain: Chain | undefined
      for (let i = d.chain.length - 2; i >= 0; i -= 2) chain = { dev: d.chain[i]!, ino: d.chain[i + 1]!, up: chain }
      return { path: d.path, duPath: d.duPath, depth: d.depth, bucket: d.bucket === undefined ? undefined : walk.node(d.bucket), chain: chain! }
    })
    return { walk, stack }
  }

  *walk(): Walk<WalkRoot> {
    const stack = yield* this.begin()
    if (stack) yield* this.drain(stack)
    return this.finished()
  }

  /**
   * Stats and counts the root: the stack of directories to list from it, or none (not a
   * directory, excluded, unreadable, counted before).
   */
  *begin(): Walk<DirWork[] | undefined> {
    const { setup, exclude } = this.scan
    const root = this.root
    // As du: the patterns test the root's own path too. `ignore` never tests a root (the
    // get-folder-size drop-in does that one test itself).
    const rootBytes = typeof root === 'string' ? Buffer.from(root) : root
    if (!exclude.isEmpty && exclude.excludesRoot(rootBytes)) {
      setup.export?.excludedRoot()
      return undefined
    }
    const rootPath = rootFsPath(root, setup)
    const r = yield { op: this.statOp, path: rootPath }
    if (!r.ok) {
      this.rootError = this.fail(rootPath, r.error, this.statOp)
      return undefined
    }
    const rootStat = r.value as StatLike
    this.rootDev = rootStat.dev
    if (!this.admit(rootStat, true)) return undefined
    // du -d N lists a root that is a file too (its level is 0).
    const rootBucket = this.bucket(undefined, 0, rootPath)
    this.count(rootStat, rootPath, rootBucket, rootPath)
    if (!rootStat.isDirectory()) {
      setup.export?.fileRoot(rootStat)
      return undefined
    }
    const out = setup.export?.dir(undefined, rootBytes, rootStat)
    const rootChain: Chain = { dev: rootStat.dev ?? 0n, ino: rootStat.ino }
    return [{ path: rootPath, duPath: exclude.needsPath ? duRoot(Buffer.from(root)) : undefined, depth: 0, bucket: rootBucket, chain: rootChain, out }]
  }

  /** The root's device, for a worker's walk under -x. */
  get dev(): bigint | undefined {
    return this.rootDev
  }

  /**
   * Lists directories depth first with an explicit stack (chains thousands deep need no
   * recursion) until none is left ('done'), the scan stops, or `setup.between` pauses it.
   */
  *drain(stack: DirWork[]): Walk<'done' | 'stopped' | 'paused'> {
    const setup = this.scan.setup
    while (stack.length > 0) {
      if (setup.stopped?.()) return 'stopped'
      if (setup.between?.(stack)) return 'paused'
      if (!(yield* this.list(stack.pop()!, stack))) return 'stopped'
    }
    return 'done'
  }

  /** What this walk accumulated since the last call, handed on and forgotten here. */
  partial(): RootPartial {
    const buckets: BucketPart[] = []
    for (const b of this.byKey.values()) {
      const define = b.own && !b.sent
      if (!define && b.bytes === 0n && b.diskBytes === 0n && b.files === 0n) continue
      buckets.push({
        key: b.key,
        def: define ? { parent: b.parent?.key, path: b.path, depth: b.depth } : undefined,
        bytes: b.bytes,
        diskBytes: b.diskBytes,
        files: b.files,
      })
      b.sent = true
      b.bytes = b.diskBytes = b.files = 0n
    }
    const p: RootPartial = { groups: this.grouper?.take(), dirs: this.dirKeys, totals: this.totals, errors: this.errors, errorCount: this.errorCount, buckets, largest: this.largest.sorted(), links: this.links }
    this.dirKeys = []
    this.totals = zeroTotals()
    this.errors = []
    this.errorCount = 0
    this.largest = new Largest(this.scan.n.top)
    this.links = []
    return p
  }

  /** Adds a worker's partial to this root: sums, errors, buckets, top files, and its hard links decided here. */
  merge(p: RootPartial): void {
    // A directory counted before (an earlier root, or twice in this one): this root's sums
    // are wrong, and parallel.ts walks it again serially.
    for (const k of p.dirs) {
      if (this.scan.seen.has(k)) this.collision = true
      else this.scan.seen.add(k)
    }
    for (const k of Object.keys(p.totals) as (keyof Totals)[]) this.totals[k] += p.totals[k]
    this.errorCount += p.errorCount
    for (const e of p.errors) if (this.errors.length < MAX_ERRORS) this.errors.push(e)
    for (const b of p.buckets) {
      const node = this.node(b.key)
      if (b.def) {
        node.path = b.def.path
        node.depth = b.def.depth
        node.parent = b.def.parent === undefined ? undefined : this.node(b.def.parent)
        node.own = true
        this.buckets.push(node)
      }
      node.bytes += b.bytes
      node.diskBytes += b.diskBytes
      node.files += b.files
    }
    for (const f of p.largest) this.largest.offer(f)
    if (p.groups) this.grouper?.merge(p.groups)
    for (const l of p.links) {
      if (this.scan.seen.has(l.key)) continue
      this.scan.seen.add(l.key)
      const kind = l.kind
      const st: StatLike = { ...l.stat, size: l.stat.size ?? 0n, ino: l.stat.ino ?? 0n, isDirectory: () => false, isSymbolicLink: () => kind === 'symlinks', isFile: () => kind === 'files' }
      this.count(st, l.path, l.bucket === undefined ? undefined : this.node(l.bucket), l.name)
    }
  }

  /** A worker reached a directory the scan had counted: the merged sums are not du's. */
  get collided(): boolean {
    return this.collision
  }

  /** The bucket of a key, or a stand-in until its definition arrives (or for one made elsewhere). */
  private node(key: string): Bucket {
    let node = this.byKey.get(key)
    if (!node) {
      node = { key, path: '', depth: 0, bytes: 0n, diskBytes: 0n, files: 0n, own: false }
      this.byKey.set(key, node)
    }
    return node
  }

  /**
   * Lists one directory: counts each entry it admits and pushes the subdirectories on the
   * stack. False when the scan was stopped on the way.
   */
  private *list(dir: DirWork, stack: DirWork[]): Walk<boolean> {
    const { n, setup, exclude } = this.scan
    const listed = yield { op: 'readdir', path: dir.path }
    if (!listed.ok) {
      if (dir.out) dir.out.readError = true
      this.fail(dir.path, listed.error, 'scandir')
      return true
    }
    const out = setup.export && dir.out ? { tree: setup.export, dir: dir.out } : undefined
    const names = listed.value as FsPath[]
    for (const name of names) {
      if (setup.stopped?.()) return false
      const full = this.join(dir.path, name)
      let duPath: Buffer | undefined
      const nameBytes = typeof name === 'string' ? Buffer.from(name) : name
      if (!exclude.isEmpty) {
        duPath = dir.duPath && duChild(dir.duPath, nameBytes)
        if (exclude.excludes(nameBytes, duPath)) {
          out?.tree.excluded(out.dir, nameBytes)
          continue
        }
      }
      if (n.ignore && testRegExp(n.ignore, text(full))) {
        out?.tree.excluded(out.dir, nameBytes)
        continue
      }
      const s = yield { op: this.statOp, path: full }
      if (!s.ok) {
        out?.tree.unreadable(out.dir, nameBytes)
        this.fail(full, s.error, this.statOp)
        continue
      }
      const st = s.value as StatLike
      const isDir = st.isDirectory()
      if (isDir && inside(dir.chain, st.dev ?? 0n, st.ino)) continue
      if (this.deferLinks && !isDir && ((st.nlink ?? 1n) > 1n || (this.scan.watch.size > 0 && this.scan.watch.has(keyOf(st))))) {
        this.deferLink(st, full, dir.bucket, name)
        continue
      }
      if (!this.admit(st, false)) {
        out?.tree.refused(out.dir, nameBytes, st, this.refusal(st))
        continue
      }
      if (isDir && this.reportDirs) this.dirKeys.push(keyOf(st))
      if (isDir) {
        const bucket = this.bucket(dir.bucket, dir.depth + 1, full)
        this.count(st, full, bucket, name)
        const chain = { dev: st.dev ?? 0n, ino: st.ino, up: dir.chain }
        stack.push({ path: full, duPath, depth: dir.depth + 1, bucket, chain, out: out?.tree.dir(out.dir, nameBytes, st) })
      } else {
        this.count(st, full, dir.bucket, name)
        out?.tree.entry(out.dir, nameBytes, st)
      }
    }
    return true
  }

  /** Records an error (or, under `strict`, throws it); the walk goes on without the entry. */
  private fail(path: FsPath, error: NodeJS.ErrnoException, syscall: string): WalkError {
    const { n, setup } = this.scan
    const errno = typeof error.errno === 'number' ? error.errno : 0
    const code = error.code ?? (errno ? codeOf(errno) : 'UNKNOWN')
    const e: WalkError = { path, errno: errno > 0 ? -errno : errno, code, message: messageOf(error), syscall, error }
    this.errorCount++
    if (setup.live) setup.live.errors++
    if (n.strict) throw new StrictError(e)
    if (this.errors.length < MAX_ERRORS) this.errors.push(e)
    return e
  }

  /**
   * Whether an entry counts (the native walker's admit): du -l counts every way in, du -L
   * every inode once; else a file with several links, a root named twice and (several
   * roots) a directory count once. With -x, nothing on another file system counts.
   */
  private admit(s: StatLike, isRoot: boolean): boolean {
    const { n, seen, dirsOnce, watch } = this.scan
    if (n.oneFileSystem && !isRoot && s.dev !== undefined && s.dev !== this.rootDev) return false
    let once: boolean
    if (n.countLinks) once = false
    else if (n.followSymlinks) once = true
    else if (s.isDirectory()) once = dirsOnce
    else once = (s.nlink ?? 1n) > 1n || (watch.size > 0 && watch.has(keyOf(s)))
    if (!once) return true
    // Only now: the key's string costs as much as the rest of the test.
    const key = keyOf(s)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  }

  /** Why `admit` refused an entry, as the export lists it (the native walker's `refusal`). */
  private refusal(s: StatLike): Refused {
    const { n } = this.scan
    return n.oneFileSystem && s.dev !== undefined && s.dev !== this.rootDev ? 'otherfs' : 'counted'
  }

  /** A hard-linked entry in a worker's walk: -x decided here, the link set on the root's thread. */
  private deferLink(s: StatLike, path: FsPath, bucket: Bucket | undefined, name: FsPath): void {
    if (this.scan.n.oneFileSystem && s.dev !== undefined && s.dev !== this.rootDev) return
    const kind = s.isSymbolicLink?.() ? 'symlinks' : (s.isFile?.() ?? true) ? 'files' : 'others'
    const stat: Record<string, bigint> = {}
    for (const [k, v] of Object.entries(s)) if (typeof v === 'bigint') stat[k] = v
    this.links.push({ key: keyOf(s), stat, kind, path, name, bucket: bucket?.key })
  }

  /**
   * Adds an admitted entry (`name` its name) to the root's totals, the live counters, its
   * bucket, the top list and the groups, if the file filters take it.
   */
  private count(s: StatLike, path: FsPath, bucket: TreeNode | undefined, name: FsPath): void {
    const { n, setup, select } = this.scan
    let kind: KindKey
    if (s.isDirectory()) kind = 'dirs'
    else if (s.isSymbolicLink?.()) kind = 'symlinks'
    else if (s.isFile?.() ?? true) kind = 'files'
    else kind = 'others'
    if (select && !selects(select, kind, s, n.time)) return
    this.grouper?.add(kind, s, name)
    const disk = (s.blocks ?? 0n) * 512n
    const totals = this.totals
    totals.bytes += s.size
    totals.diskBytes += disk
    totals[kind]++
    if (setup.live) {
      setup.live.bytes += s.size
      setup.live.diskBytes += disk
      setup.live[kind]++
    }
    if (bucket) {
      bucket.bytes += s.size
      bucket.diskBytes += disk
      if (kind === 'files') bucket.files++
    }
    if (kind === 'files' && n.top > 0) this.largest.offer({ path, bytes: s.size, diskBytes: disk })
  }

  /** The -d bucket a directory's entries add to: its own down to the depth, else its parent's. */
  private bucket(parent: Bucket | undefined, depth: number, path: FsPath): Bucket | undefined {
    const n = this.scan.n
    if (n.depth === undefined || depth > n.depth) return parent
    const node: Bucket = { key: `${this.keyPrefix}${this.nextKey++}`, parent, path, depth, bytes: 0n, diskBytes: 0n, files: 0n, own: true }
    this.buckets.push(node)
    this.byKey.set(node.key, node)
    return node
  }

  /** The root's result, as far as the walk went. */
  finished(): WalkRoot {
    const n = this.scan.n
    return {
      path: this.root,
      ...this.totals,
      errors: this.errors,
      errorCount: this.errorCount,
      rootError: this.rootError,
      tree: n.depth === undefined ? undefined : foldTree(this.buckets),
      largest: n.top > 0 ? this.largest.sorted() : undefined,
      groups: this.grouper?.lists(this.scan.names),
    }
  }
}

function messageOf(e: NodeJS.ErrnoException): string {
  // Node: "EACCES: permission denied, scandir '/x'"; the Result wants strerror's text.
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(e.message)
  const words = m ? m[1]! : e.message
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * The N largest files: a min-heap on bytes, so a file that enters costs O(log N) and N can
 * be any size (it grows with the files found, never to N up front).
 */
export class Largest {
  private readonly heap: WalkLargeFile[] = []
  constructor(private readonly n: number) {}

  offer(f: WalkLargeFile): void {
    const h = this.heap
    if (h.length < this.n) {
      h.push(f)
      let i = h.length - 1
      while (i > 0) {
        const p = (i - 1) >> 1
        if (order(h[p]!, h[i]!) <= 0) break
        ;[h[p], h[i]] = [h[i]!, h[p]!]
        i = p
      }
    } else if (h.length > 0 && order(f, h[0]!) > 0) {
      h[0] = f
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && order(h[l]!, h[m]!) < 0) m = l
        if (r < h.length && order(h[r]!, h[m]!) < 0) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i]!, h[m]!]
        i = m
      }
    }
  }

  sorted(): WalkLargeFile[] {
    return [...this.heap].sort((a, b) => order(b, a))
  }
}

/**
 * Files in breakdown.rs's `LargeFile` order (bytes, then disk bytes, then path bytes), so
 * ties at the edge of the list keep the same files in both walkers and the loaders.
 */
function order(a: WalkLargeFile, b: WalkLargeFile): number {
  if (a.bytes !== b.bytes) return a.bytes < b.bytes ? -1 : 1
  if (a.diskBytes !== b.diskBytes) return a.diskBytes < b.diskBytes ? -1 : 1
  const bytes = (p: FsPath): Buffer => (typeof p === 'string' ? Buffer.from(p) : p)
  return Buffer.compare(bytes(a.path), bytes(b.path))
}

/** Subtree totals, children before their parent, siblings by name (as the Rust side). */
export function foldTree(nodes: TreeNode[]): WalkTreeEntry[] {
  for (const node of [...nodes].sort((a, b) => b.depth - a.depth)) {
    if (node.parent) {
      node.parent.bytes += node.bytes
      node.parent.diskBytes += node.diskBytes
      node.parent.files += node.files
    }
  }
  const key = (p: FsPath): Buffer[] => {
    const b = typeof p === 'string' ? Buffer.from(p) : p
    const parts: Buffer[] = []
    let start = 0
    for (let i = 0; i <= b.length; i++) {
      if (i === b.length || b[i] === 0x2f) {
        // Empty components do not count: a root written `dir/` comes after `dir/a`.
        if (i > start) parts.push(b.subarray(start, i))
        start = i + 1
      }
    }
    return parts
  }
  const postOrder = (a: TreeNode, b: TreeNode): number => {
    const x = key(a.path)
    const y = key(b.path)
    for (let i = 0; ; i++) {
      if (i === x.length && i === y.length) return 0
      if (i === x.length) return 1
      if (i === y.length) return -1
      const c = Buffer.compare(x[i]!, y[i]!)
      if (c !== 0) return c
    }
  }
  return [...nodes].sort(postOrder).map((t) => ({ path: t.path, bytes: t.bytes, diskBytes: t.diskBytes, files: t.files, depth: t.depth }))
}
