import getFolderSize from '../dist/src/compat/get-folder-size.js'

export type Stats = getFolderSize.Stats
export type Fs = getFolderSize.Fs
export type Options = getFolderSize.Options
export type Result<T extends number | bigint> = getFolderSize.Result<T>
export default getFolderSize
