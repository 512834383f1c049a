// Type-level checks of the public signatures, compiled (never run) under every module
// resolution the consumer test covers. `true satisfies Same<A, B>` fails to compile unless
// A and B are the same type; each @ts-expect-error fails the build if its line compiles.
import { dirsize, dirsizeSync, exportScan, type ExportOptions, loadScan, loadScanSync, type LoadOptions, type Num, type Options, type Result } from 'dirsize'
import getFolderSize from 'dirsize/get-folder-size'

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

export async function signatures(opts: Options, flag: boolean): Promise<void> {
  const plain = await dirsize('.')
  true satisfies Same<typeof plain, Result<number>>
  const big = await dirsize(['.', '..'], { bigint: true })
  true satisfies Same<typeof big, Result<bigint>>
  const small = await dirsize('.', { bigint: false, depth: 1 })
  true satisfies Same<typeof small, Result<number>>
  // An options object typed Options (bigint optional): numbers, not a union to narrow.
  const typed = await dirsize('.', opts)
  true satisfies Same<typeof typed, Result<number>>
  const spread = await dirsize('.', { ...opts, bigint: true })
  true satisfies Same<typeof spread, Result<bigint>>
  const asConst = { bigint: true } as const
  const constant = await dirsize('.', asConst)
  true satisfies Same<typeof constant, Result<bigint>>
  // Only a bigint that may be either way gives the union.
  const either = await dirsize('.', { bigint: flag })
  true satisfies Same<typeof either, Result<Num>>
}

export async function exportSignatures(opts: ExportOptions, flag: boolean): Promise<void> {
  const plain = await exportScan('.', { output: 'scan.json' })
  true satisfies Same<typeof plain, Result<number>>
  const big = await exportScan('.', { output: process.stdout, bigint: true, extended: true })
  true satisfies Same<typeof big, Result<bigint>>
  const typed = await exportScan('.', opts)
  true satisfies Same<typeof typed, Result<number>>
  const either = await exportScan('.', { output: 'scan.json.gz', bigint: flag })
  true satisfies Same<typeof either, Result<Num>>
  // @ts-expect-error output is required: there is nowhere else to write
  await exportScan('.', { extended: true })
  // @ts-expect-error ncdu's format holds one tree
  await exportScan(['a', 'b'], { output: 'x.json' })
}

// A saved scan is typed as a live one.
export async function loadSignatures(opts: LoadOptions, syncOpts: Omit<LoadOptions, 'signal'>, flag: boolean): Promise<void> {
  const plain = await loadScan('scan.json')
  true satisfies Same<typeof plain, Result<number>>
  const big = await loadScan(['a.json', 'b.json.gz'], { bigint: true })
  true satisfies Same<typeof big, Result<bigint>>
  const typed = await loadScan('scan.json', opts)
  true satisfies Same<typeof typed, Result<number>>
  const either = await loadScan('scan.json', { bigint: flag })
  true satisfies Same<typeof either, Result<Num>>
  const typedSync = loadScanSync('scan.json', syncOpts)
  true satisfies Same<typeof typedSync, Result<number>>
  const eitherSync = loadScanSync('scan.json', { bigint: flag })
  true satisfies Same<typeof eitherSync, Result<Num>>
}

export function syncSignatures(opts: Options, flag: boolean): void {
  const plain = dirsizeSync('.')
  true satisfies Same<typeof plain, Result<number>>
  const big = dirsizeSync('.', { bigint: true })
  true satisfies Same<typeof big, Result<bigint>>
  const typed = dirsizeSync('.', opts)
  true satisfies Same<typeof typed, Result<number>>
  const either = dirsizeSync('.', { bigint: flag })
  true satisfies Same<typeof either, Result<Num>>
  const bytes: number = dirsizeSync('.', { threads: 2 }).bytes
  void bytes

  // @ts-expect-error bigint sizes are not numbers
  const wrong: number = dirsizeSync('.', { bigint: true }).bytes
  void wrong
  // @ts-expect-error an option that does not exist (a typo) is caught
  dirsizeSync('.', { treads: 2 })
  // @ts-expect-error paths are strings
  dirsizeSync(42)
}

export async function dropIns(): Promise<void> {
  const r = await getFolderSize('.')
  true satisfies Same<typeof r, getFolderSize.Result<number>>
  const b = await getFolderSize.strict('.', { bigint: true })
  true satisfies Same<typeof b, bigint>
}
