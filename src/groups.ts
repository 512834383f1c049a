/**
 * Groups (`groupBy`) as both backends hand them over, and as the Result shows them: a list
 * per key of `{ key, id, files, bytes, diskBytes }` in bigints (the walker's, or Rust's
 * 128-bit sums), merged over roots exactly before they become numbers. The Rust twin is
 * src-rs/groups.rs (`GroupList`, `merge_lists`).
 */
import type { Group, GroupKey, Groups, Num } from './types'

export const GROUP_KEYS = ['extension', 'type', 'owner', 'group', 'age'] as const satisfies readonly GroupKey[]
true satisfies (GroupKey extends (typeof GROUP_KEYS)[number] ? true : false)

/** One group before it is numbered: `id` is the uid (owner) or gid (group). */
export interface RawGroup {
  key: string
  id?: number | null
  files: bigint
  bytes: bigint
  diskBytes: bigint
}

/** The groups of one key. */
export interface RawGroupList {
  by: string
  groups: RawGroup[]
}

/** Largest disk usage first, then apparent size, then key (code units: Rust's byte order for these keys). */
export function sortGroups(groups: RawGroup[]): RawGroup[] {
  return groups.sort((a, b) => {
    if (a.diskBytes !== b.diskBytes) return a.diskBytes > b.diskBytes ? -1 : 1
    if (a.bytes !== b.bytes) return a.bytes > b.bytes ? -1 : 1
    return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))
  })
}

/** Adds a root's lists into the scan's (the same keys in the same order). */
export function mergeGroups(into: RawGroupList[], root: readonly RawGroupList[]): void {
  if (into.length === 0) for (const l of root) into.push({ by: l.by, groups: [] })
  root.forEach((list, i) => {
    const all = into[i]!
    const at = new Map(all.groups.map((g) => [`${g.id ?? ''}/${g.key}`, g]))
    for (const g of list.groups) {
      const same = at.get(`${g.id ?? ''}/${g.key}`)
      if (same) {
        same.files += g.files
        same.bytes += g.bytes
        same.diskBytes += g.diskBytes
      } else {
        all.groups.push({ ...g })
      }
    }
    sortGroups(all.groups)
  })
}

/** The public shape: a record by key, each group with its uid or gid named as such. */
export function groupsOf(lists: readonly RawGroupList[], num: (v: bigint) => Num): Groups<Num> {
  const out: Groups<Num> = {}
  for (const list of lists) {
    const by = list.by as GroupKey
    out[by] = list.groups.map((g) => {
      const id = g.id ?? undefined
      const named = by === 'owner' ? { uid: id } : by === 'group' ? { gid: id } : {}
      return { key: g.key, ...named, files: num(g.files), bytes: num(g.bytes), diskBytes: num(g.diskBytes) } satisfies Group<Num>
    })
  }
  return out
}
