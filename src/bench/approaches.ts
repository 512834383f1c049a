/**
 * The rows that answer "threads or processes?" (issue 18): Python's serial os.walk and its
 * ProcessPoolExecutor over chunks of 1024 paths, the TypeScript walker serial and on worker
 * threads (one message per file, and its default chunks), and the native walker's chunk
 * size. The native thread sweep is the lineup's `dirsize threads=N` rows.
 */
import fs from 'node:fs'
import path from 'node:path'

import { command, firstNumber, inProcess, NATIVE, onPath, type Tool } from './tools'

const scripts = path.resolve(__dirname, '..', '..', '..', 'scripts', 'python')

/** The native walker's chunk sweep: names per stat task (DIRSIZE_CHUNK; 256 by default). */
export const CHUNKS = [16, 64, 256, 1024]

/** Python's chunk: what ProcessPoolExecutor programs typically send per task. */
const PY_CHUNK = 1024

export function approaches(opts: { workers: number[]; defaultThreads: number }): { tools: Tool[]; skipped: Array<{ tool: string; reason: string }> } {
  const tools: Tool[] = []
  const skipped: Array<{ tool: string; reason: string }> = []
  const serial = path.join(scripts, 'serial.py')
  if (!onPath('python3')) {
    skipped.push({ tool: 'Python', reason: 'python3 is not on PATH' })
  } else if (!fs.existsSync(serial)) {
    skipped.push({ tool: 'Python', reason: `${scripts} is not there (the programs live in the repository, not the package)` })
  } else {
    const py = command('Python os.walk serial', (dir) => ['python3', serial, dir], firstNumber)
    tools.push({ ...py, approach: 'Python serial', workers: 1 })
    for (const w of opts.workers) {
      const pool = command(`Python ProcessPool workers=${w} chunk=${PY_CHUNK}`, (dir) => ['python3', path.join(scripts, 'pool.py'), dir, String(w), String(PY_CHUNK)], firstNumber)
      tools.push({ ...pool, approach: 'Python processes, chunks of 1024', workers: w })
    }
  }
  const ts = { DIRSIZE_NATIVE: '0' }
  tools.push(inProcess('TypeScript serial (async fs)', 'dirsize', { threads: 1, env: { ...ts, DIRSIZE_TS_PARALLEL: '0' }, approach: 'TypeScript serial' }))
  for (const w of opts.workers) {
    tools.push(inProcess(`TypeScript workers=${w} message per file`, 'dirsize', { threads: w, env: { ...ts, DIRSIZE_TS_PER_FILE: '1' }, approach: 'TypeScript workers, a message per file' }))
  }
  for (const w of opts.workers) {
    tools.push(inProcess(`TypeScript workers=${w}`, 'dirsize', { threads: w, env: ts, approach: 'TypeScript workers, chunks' }))
  }
  for (const c of CHUNKS) {
    tools.push(inProcess(`dirsize threads=${opts.defaultThreads} chunk=${c}`, 'dirsize', { threads: opts.defaultThreads, env: { DIRSIZE_CHUNK: String(c) }, approach: `${NATIVE}, chunk ${c}` }))
  }
  return { tools, skipped }
}
