/**
 * The TypeScript walker's groups and file filters: the twins of src-rs/groups.rs and
 * src-rs/select.rs (the same keys, buckets, bounds and order). A root's `Grouper` gathers
 * what its walk counts; `Names` looks each uid and gid up once per scan.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

import { type RawGroup, type RawGroupList, sortGroups } from '../groups'
import type { NormalizedFilter } from '../options'
import type { GroupKey, Totals } from '../types'

/** What the groups and filters read of a stat (Node's BigIntStats has it). */
export interface StatTimes {
  size: bigint
  blocks?: bigint
  uid?: bigint | number
  gid?: bigint | number
  mtimeNs?: bigint
  atimeNs?: bigint
  ctimeNs?: bigint
}

/** The walker's kinds, as Totals names them. */
export type KindKey = keyof Pick<Totals, 'files' | 'dirs' | 'symlinks' | 'others'>

/** The age buckets' upper bounds in seconds (src-rs/groups.rs `AGE_BOUNDS`). */
export const AGE_BOUNDS = [86_400, 7 * 86_400, 30 * 86_400, 91 * 86_400, 365 * 86_400, 730 * 86_400, 1826 * 86_400] as const
export const AGE_KEYS = ['future', '< 1 day', '< 1 week', '< 1 month', '< 3 months', '< 1 year', '< 2 years', '< 5 years', 'older'] as const

const KINDS: Record<KindKey, { type: string; extension: string }> = {
  files: { type: 'file', extension: '' },
  dirs: { type: 'directory', extension: '(directory)' },
  symlinks: { type: 'symlink', extension: '(symlink)' },
  others: { type: 'other', extension: '(other)' },
}

/** Seconds since the epoch of the timestamp `time` names, rounded down as tv_sec is. */
export function secondsOf(s: StatTimes, time: 'mtime' | 'atime' | 'ctime'): number {
  const ns = (time === 'mtime' ? s.mtimeNs : time === 'atime' ? s.atimeNs : s.ctimeNs) ?? 0n
  const second = 1_000_000_000n
  return Number(ns >= 0n ? ns / second : -((-ns + second - 1n) / second))
}

export function ageBucket(now: number, time: number): number {
  const age = now - time
  if (age < 0) return 0
  const at = AGE_BOUNDS.findIndex((b) => age < b)
  return 1 + (at < 0 ? AGE_BOUNDS.length : at)
}

/** The last `.suffix` of a name (after its last `/`): none for `.bashrc`, `a.`, `Makefile`. */
export function extension(name: Buffer): Buffer | undefined {
  const base = name.subarray(name.lastIndexOf(0x2f) + 1)
  const at = base.lastIndexOf(0x2e)
  return at > 0 && at + 1 < base.length ? base.subarray(at + 1) : undefined
}

/** Whether a filter is set at all (an empty one changes nothing, as on the Rust side). */
export function filtering(f: NormalizedFilter | undefined): f is NormalizedFilter {
  return f !== undefined && (f.minSize !== undefined || f.maxSize !== undefined || f.olderThan !== undefined || f.newerThan !== undefined || f.types.length > 0)
}

/** Whether an admitted entry counts under the filters: never a directory; else every filter holds. */
export function selects(f: NormalizedFilter, kind: KindKey, s: StatTimes, time: 'mtime' | 'atime' | 'ctime'): boolean {
  if (kind === 'dirs') return false
  if (f.types.length > 0 && !f.types.includes(kind === 'files' ? 'f' : kind === 'symlinks' ? 'l' : 'o')) return false
  if (f.minSize !== undefined && s.size < BigInt(f.minSize)) return false
  if (f.maxSize !== undefined && s.size > BigInt(f.maxSize)) return false
  if (f.olderThan !== undefined || f.newerThan !== undefined) {
    const t = secondsOf(s, time)
    if (f.olderThan !== undefined && !(t < f.olderThan)) return false
    if (f.newerThan !== undefined && !(t > f.newerThan)) return false
  }
  return true
}

interface Sum {
  files: bigint
  bytes: bigint
  diskBytes: bigint
}

/** A walk's group sums by key, as a worker hands them to its root's thread (parallel.ts). */
export type GroupSums = Map<GroupKey, Map<string, Sum & { id?: number }>>

/** One root's groups being gathered. */
export class Grouper {
  private readonly sums = new Map<GroupKey, Map<string, Sum & { id?: number }>>()

  constructor(private readonly keys: readonly GroupKey[], private readonly now: number, private readonly time: 'mtime' | 'atime' | 'ctime') {
    for (const k of keys) this.sums.set(k, new Map())
  }

  /** The sums since the last call, handed on and forgotten here (a worker's partial). */
  take(): GroupSums {
    const taken = new Map(this.sums)
    for (const k of this.keys) this.sums.set(k, new Map())
    return taken
  }

  /** Adds another walk's sums for the same keys (a worker's partial). */
  merge(other: GroupSums): void {
    for (const [by, groups] of other) {
      const map = this.sums.get(by)
      if (!map) continue
      for (const [key, s] of groups) {
        const sum = map.get(key)
        if (!sum) {
          map.set(key, { ...s })
          continue
        }
        sum.files += s.files
        sum.bytes += s.bytes
        sum.diskBytes += s.diskBytes
      }
    }
  }

  /** `diskBytes`: the allocated size when it is not `blocks` (a saved scan's dsize). */
  add(kind: KindKey, s: StatTimes, name: Buffer | string, diskBytes?: bigint): void {
    const disk = diskBytes ?? (s.blocks ?? 0n) * 512n
    for (const by of this.keys) {
      let key: string
      let id: number | undefined
      switch (by) {
        case 'extension': {
          if (kind !== 'files') {
            key = KINDS[kind].extension
            break
          }
          const ext = extension(typeof name === 'string' ? Buffer.from(name) : name)
          key = ext ? `.${ext.toString('utf8').toLowerCase()}` : '(none)'
          break
        }
        case 'type': key = KINDS[kind].type; break
        case 'owner':
          id = Number(s.uid ?? 0)
          key = `#${id}`
          break
        case 'group':
          id = Number(s.gid ?? 0)
          key = `#${id}`
          break
        case 'age': key = AGE_KEYS[ageBucket(this.now, secondsOf(s, this.time))]!; break
      }
      const map = this.sums.get(by)!
      let sum = map.get(key)
      if (!sum) map.set(key, (sum = { files: 0n, bytes: 0n, diskBytes: 0n, id }))
      sum.files++
      sum.bytes += s.size
      sum.diskBytes += disk
    }
  }

  /** The lists, in the order asked, largest first; ids named through `names`. */
  lists(names: Names): RawGroupList[] {
    const ids = (by: GroupKey): number[] => [...(this.sums.get(by)?.values() ?? [])].flatMap((s) => (s.id === undefined ? [] : [s.id]))
    names.prefetch(ids('owner'), ids('group'))
    return this.keys.map((by) => {
      const groups: RawGroup[] = [...this.sums.get(by)!].map(([key, s]) => ({
        key: s.id === undefined ? key : by === 'owner' ? names.user(s.id) : names.group(s.id),
        id: s.id,
        files: s.files,
        bytes: s.bytes,
        diskBytes: s.diskBytes,
      }))
      return { by, groups: sortGroups(groups) }
    })
  }
}

/**
 * User and group names, each id looked up once per scan. Node has no getpwuid: `getent`
 * asks NSS as getpwuid_r does (so LDAP and SSSD users resolve, and the names match the
 * native walker's), one call for a root's new ids; where there is no getent (macOS),
 * /etc/passwd and /etc/group are read. An id without a name is its number.
 */
export class Names {
  private readonly users = new Map<number, string>()
  private readonly groups = new Map<number, string>()

  /** Looks up every id in `ids` not known yet, in one call per database. */
  prefetch(uids: Iterable<number>, gids: Iterable<number>): void {
    lookUp('passwd', uids, this.users)
    lookUp('group', gids, this.groups)
  }

  user(uid: number): string {
    if (!this.users.has(uid)) lookUp('passwd', [uid], this.users)
    return this.users.get(uid)!
  }

  group(gid: number): string {
    if (!this.groups.has(gid)) lookUp('group', [gid], this.groups)
    return this.groups.get(gid)!
  }
}

function lookUp(db: 'passwd' | 'group', ids: Iterable<number>, known: Map<number, string>): void {
  const wanted = [...new Set(ids)].filter((id) => !known.has(id))
  if (wanted.length === 0) return
  const found = new Map<number, string>()
  // getent exits 2 when some key is not found, and still prints the others.
  const r = spawnSync('getent', [db, ...wanted.map(String)], { encoding: 'utf8' })
  if (r.error === undefined && (r.status === 0 || r.status === 2)) {
    readDatabase(r.stdout, found)
  } else {
    try {
      readDatabase(fs.readFileSync(`/etc/${db}`, 'utf8'), found)
    } catch {
      // No database to read (Windows has none): every id stays a number.
    }
  }
  for (const id of wanted) known.set(id, found.get(id) ?? String(id))
}

/** `name:password:id:...` lines; the first line of an id names it, as getpwuid does. */
function readDatabase(text: string, into: Map<number, string>): void {
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':')
    if (name === undefined || id === undefined || !/^\d+$/.test(id)) continue
    const n = Number(id)
    if (!into.has(n)) into.set(n, name)
  }
}
