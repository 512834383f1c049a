/**
 * `-o FILE` (ncdu's flag): the scan is also saved in ncdu's JSON format, through the API's
 * exportScan. With `-o -` the document is all that goes to stdout: the lines are not printed.
 */
import type { ExportOptions } from '../api'
import type { PathArg, Result } from '../types'

import type { Flags } from './args'
import type { Output } from './output'
import type { Sink } from './sinks'

type Scan = (paths: PathArg[], options: Omit<ExportOptions, 'output'>) => Promise<Result<bigint>>

export interface Exporting {
  /** The scan, saving as it goes. */
  scan: Scan
  /** Under `-o -`, the sink that prints nothing (stdout is the document's). */
  sink?: Sink
  /** The scan and the document are done. */
  done(): void
}

export function exporting(flags: Flags, output: Output): Exporting {
  const file = flags.export!
  const toStdout = file === '-'
  // Loaded here, not with the flags: parsing them loads no scan code.
  const api = require('../api') as typeof import('../api')
  return {
    scan: (paths, options) =>
      api.exportScan(paths[0]!, { ...options, bigint: true, output: toStdout ? output.stdout : file, extended: flags.extended }),
    sink: toStdout ? { showsPartial: false, root: () => {}, end: () => {}, interrupted: () => {} } : undefined,
    done: () => {
      if (!toStdout) output.err(`dirsize: wrote ${file}\n`)
    },
  }
}
