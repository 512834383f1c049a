/** `report()`: scan, then write one self-contained HTML page with a zoomable treemap. */
import fs from 'node:fs'
import os from 'node:os'

import { normalize } from '../options'
import { scan as scanTree } from '../scan'
import type { Options, PathArg, Result, RootResult } from '../types'

import { type Bounds, reportData } from './data'
import { html } from './html'

export interface ReportOptions extends Omit<Options, 'bigint' | 'onRoot' | 'depth' | 'top'> {
  /** Directories listed down to this depth (default 6); deeper ones are folded into them. */
  depth?: number
  /** Largest files placed in the map and the table (default 200). */
  top?: number
  /** Children under this share of their root's size are folded into "(other)" (default 0.001). */
  minShare?: number
  /** Write the page here, too. */
  file?: string
}

// A page over ~10 MB is slow to open; the share floor rises until the data fits.
const MAX_DATA = 9 * 1024 * 1024

/** What a scan must collect for the page, unless asked otherwise. */
export const REPORT_DEPTH = 6
export const REPORT_TOP = 200

export async function report(paths: PathArg | readonly PathArg[], options: ReportOptions = {}): Promise<string> {
  const { file, minShare, depth = REPORT_DEPTH, top = REPORT_TOP, ...scan } = options
  // Always an array, for `roots`; an array goes through as given, for dirsize to check.
  const list = Array.isArray(paths) ? (paths as readonly PathArg[]) : [paths as PathArg]
  const result = (await scanTree(normalize(list, { ...scan, depth, top }))) as Result<number>
  const page = renderReport(result, result.roots as RootResult<number>[], minShare)
  if (file) fs.writeFileSync(file, page)
  return page
}

/**
 * The page for a scan already made (with `depth` and `top`): the CLI's `--html` renders the
 * scan it prints from, rather than walking the tree twice.
 */
export function renderReport(result: Result<number>, roots: RootResult<number>[], minShare = 0.001): string {
  let bounds: Bounds = { minShare, tableRows: 50 }
  let page = html(reportData(result, roots, bounds, os.hostname(), process.cwd()))
  while (page.length > MAX_DATA && bounds.minShare < 0.1) {
    bounds = { ...bounds, minShare: bounds.minShare * 4 }
    page = html(reportData(result, roots, bounds, os.hostname(), process.cwd()))
  }
  return page
}
