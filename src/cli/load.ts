/**
 * `dirsize -f FILE...`: the run's scan call answered from saved scans. The whole load is
 * read before the first root is handed on, so a file that breaks off prints nothing of the
 * others: an error naming the file and the position, and exit 1.
 */
import { loadScan } from '../load/index'
import type { Num, Options, PathArg, Result } from '../types'

/** Takes the options `dirsize` would, and honours those a saved scan can (args.ts refused the rest). */
export async function scanSaved(files: PathArg[], o: Options): Promise<Result<Num>> {
  // An array, so every root comes back under its own path, even for one file.
  // args.ts refused --time but mtime: a saved scan has no other timestamp.
  const time = o.time === 'mtime' ? o.time : undefined
  const result = await loadScan([...files], {
    depth: o.depth, top: o.top, countLinks: o.countLinks, bigint: o.bigint, signal: o.signal,
    groupBy: o.groupBy, filter: o.filter, time,
  })
  if (o.onRoot) {
    for (const r of result.roots ?? []) o.onRoot(r)
    delete result.roots
  }
  return result
}
