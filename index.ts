/**
 * dirsize: how big a directory tree is, with GNU du's totals, walked in parallel by a Rust core.
 *
 *   import { dirsize } from 'dirsize'
 *   const { bytes, diskBytes, files } = await dirsize('/srv/data')
 *
 * This file only re-exports; ARCHITECTURE.md maps where each piece lives.
 */
import { dirsize } from './src/api'

export { backend, dirsize, dirsizeSync, exportScan, report } from './src/api'
export type { ExportOptions } from './src/api'
export { diff } from './src/diff'
export type { DiffEntry, DiffOptions, DiffResult, DiffSide, Sizes } from './src/diff'
export { loadScan, loadScanSync } from './src/load/index'
export type { LoadError, LoadOptions } from './src/load/index'
export type { ReportOptions } from './src/report/index'
export type {
  Backend, LargeFile, Num, Options, PathArg, Progress, Result, RootResult, ScanError, Totals, TreeEntry,
} from './src/types'
export type { FileFilter, FileType, Group, GroupKey, Groups } from './src/types'

export default dirsize
