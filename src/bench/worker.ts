/**
 * One tool's rounds, in a process of its own (so its peak RSS is its own): prints
 * `{ times, bytes, maxRssKiB }` as JSON. Started by the harness, not by hand.
 */
import fs from 'node:fs'
import { promisify } from 'node:util'

import { dropCaches } from './cache'

type Run = (dir: string) => Promise<number>

async function load(tool: string, threads: number | undefined): Promise<Run> {
  switch (tool) {
    case 'dirsize': {
      const { dirsize } = await import('../api.js')
      return async (dir) => (await dirsize(dir, { threads })).bytes
    }
    case 'get-folder-size': {
      const m = (await import('get-folder-size')) as unknown as { default: { loose(p: string): Promise<number> } }
      return (dir) => m.default.loose(dir)
    }
    case 'fast-folder-size': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const f = require('fast-folder-size') as (p: string, cb: (e: Error | null, b?: number) => void) => void
      const p = promisify(f)
      return async (dir) => (await p(dir)) ?? 0
    }
    case 'fdir': {
      const { fdir } = await import('fdir')
      // A crawl plus one lstat per entry: what a size scan on fdir looks like.
      return async (dir) => {
        const paths = await new fdir().withFullPaths().withDirs().crawl(dir).withPromise()
        const seen = new Set<bigint>()
        let total = 0n
        const batch = 256
        for (let i = 0; i < paths.length; i += batch) {
          const stats = await Promise.all(paths.slice(i, i + batch).map((p) => fs.promises.lstat(p, { bigint: true }).catch(() => null)))
          for (const s of stats) {
            if (!s) continue
            if (!s.isDirectory() && s.nlink > 1n) {
              if (seen.has(s.ino)) continue
              seen.add(s.ino)
            }
            total += s.size
          }
        }
        return Number(total)
      }
    }
    default:
      throw new Error(`unknown tool ${tool}`)
  }
}

async function main(): Promise<void> {
  const [tool, dir, rounds, warmup, cold, threads] = process.argv.slice(2)
  const run = await load(tool!, threads ? Number(threads) : undefined)
  for (let i = 0; i < Number(warmup); i++) await run(dir!)
  const times: number[] = []
  let bytes = 0
  for (let i = 0; i < Number(rounds); i++) {
    if (cold === '1') dropCaches()
    const t = performance.now()
    bytes = await run(dir!)
    times.push(performance.now() - t)
  }
  process.stdout.write(JSON.stringify({ times, bytes, maxRssKiB: process.resourceUsage().maxRSS }))
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`)
  process.exitCode = 1
})
