/** Benchmark trees, generated reproducibly from a seed, and reused when already there. */
import fs from 'node:fs'
import path from 'node:path'

export type Shape = 'balanced' | 'wide' | 'deep' | 'tiny'

export interface TreeSpec {
  shape: Shape
  /** Directories per level and files per directory, by shape (see `specs`). */
  fanout: number
  subdirs: number
  filesPerDir: number
  chains: number
  levels: number
  files: number
}

/** Full sizes are the ones the README's table uses; --quick ones finish in seconds. */
export function specs(quick: boolean): TreeSpec[] {
  const s = (shape: Shape, o: Partial<TreeSpec>): TreeSpec => ({ shape, fanout: 0, subdirs: 0, filesPerDir: 0, chains: 0, levels: 0, files: 0, ...o })
  return quick
    ? [
        s('balanced', { fanout: 10, subdirs: 20, filesPerDir: 100, files: 20_000 }),
        s('wide', { files: 5_000 }),
        s('deep', { chains: 10, levels: 50, filesPerDir: 4, files: 2_000 }),
        s('tiny', { files: 100 }),
      ]
    : [
        s('balanced', { fanout: 100, subdirs: 100, filesPerDir: 100, files: 1_000_000 }),
        s('wide', { files: 200_000 }),
        s('deep', { chains: 250, levels: 200, filesPerDir: 4, files: 200_000 }),
        s('tiny', { files: 100 }),
      ]
}

/** mulberry32: a small, fast PRNG, so a seed gives the same tree everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const BLOCK = Buffer.alloc(64 * 1024, 0x61)

/** Realistic small files: exponentially distributed, mean ~3 KB, capped at 64 KiB. */
function sizer(seed: number): () => number {
  const r = rng(seed)
  return () => Math.min(BLOCK.length, Math.floor(-Math.log(1 - r()) * 3000))
}

function writeFiles(dir: string, count: number, size: () => number): void {
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, `f${i}`), BLOCK.subarray(0, size()))
}

/** Generates (or finds) the tree under `base`; returns its root. */
export function generate(spec: TreeSpec, base: string, seed: number, log: (s: string) => void): string {
  const root = path.join(base, `${spec.shape}-${spec.files}-seed${seed}`)
  const marker = path.join(base, `.${path.basename(root)}.done`)
  if (fs.existsSync(marker)) return root
  fs.rmSync(root, { recursive: true, force: true })
  log(`generating ${spec.shape} tree (${spec.files.toLocaleString('en-US')} files) in ${root}`)
  const size = sizer(seed)
  fs.mkdirSync(root, { recursive: true })
  switch (spec.shape) {
    case 'balanced':
      for (let a = 0; a < spec.fanout; a++) {
        for (let b = 0; b < spec.subdirs; b++) {
          const dir = path.join(root, `d${a}`, `s${b}`)
          fs.mkdirSync(dir, { recursive: true })
          writeFiles(dir, spec.filesPerDir, size)
        }
      }
      break
    case 'wide':
    case 'tiny':
      writeFiles(root, spec.files, size)
      break
    case 'deep':
      for (let c = 0; c < spec.chains; c++) {
        let dir = path.join(root, `c${c}`)
        for (let l = 0; l < spec.levels; l++) {
          fs.mkdirSync(dir, { recursive: true })
          writeFiles(dir, spec.filesPerDir, size)
          dir = path.join(dir, 'd')
        }
      }
      break
  }
  fs.writeFileSync(marker, '')
  return root
}
