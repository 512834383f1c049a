// ESM entry: the CommonJS build is the one implementation (no dual-package state).
import cjs from '../dist/index.js'

export const { dirsize, dirsizeSync, exportScan, backend, report, loadScan, loadScanSync, diff } = cjs
export default cjs.dirsize
