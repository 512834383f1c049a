// A user's program: the consumer test copies it into one project per module resolution
// (as main.ts, main.mts, main.cts) and runs what tsc emits. Default imports throughout:
// each must both type-check and be the function at run time, from ESM and from CommonJS.
import dirsize, { backend, dirsizeSync } from 'dirsize'
import getFolderSize from 'dirsize/get-folder-size'
import fastFolderSize from 'dirsize/fast-folder-size'
import fastFolderSizeSync from 'dirsize/fast-folder-size/sync'

async function main(dir: string): Promise<void> {
  const r = await dirsize(dir)
  const bytes: number = r.bytes
  const gfs: number = await getFolderSize.loose(dir)
  const ffs = await new Promise<number | undefined>((resolve, reject) => {
    fastFolderSize(dir, (err, n) => (err ? reject(err) : resolve(n)))
  })
  const out = { backend, bytes, sync: dirsizeSync(dir).bytes, gfs, ffs, ffsSync: fastFolderSizeSync(dir) }
  process.stdout.write(`${JSON.stringify(out)}\n`)
}

main(process.argv[2] ?? '.').catch((e: unknown) => {
  process.stderr.write(`${String(e)}\n`)
  process.exitCode = 1
})
