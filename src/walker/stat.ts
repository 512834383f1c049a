/**
 * What the TypeScript walker reads of a stat result, declared once for the walker (core.ts), its
 * drivers and the export writer (export.ts): Node's BigIntStats has it all.
 */
import type { StatTimes } from './groups'

export interface StatLike extends StatTimes {
  isDirectory(): boolean
  // A caller's fs may give only what get-folder-size asks for (isDirectory, ino, size).
  isFile?(): boolean
  isSymbolicLink?(): boolean
  size: bigint
  blocks?: bigint
  dev?: bigint
  ino: bigint
  nlink?: bigint
  // For ncdu's extended export only.
  uid?: bigint
  gid?: bigint
  mode?: bigint
  mtimeMs?: bigint
}
