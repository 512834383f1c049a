/** Property tests: random trees give du's totals at any thread count; random options never crash. */
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'
import fc from 'fast-check'

import { dirsizeSync } from 'dirsize'

import { caps } from './helpers/platform'
import { duBytes, duDisk, rm, tempDir } from './helpers/trees'

// Names: printable ASCII, or arbitrary bytes that are often not UTF-8; never '/', NUL, '.' or '..'.
const nameArb = fc.oneof(
  fc.stringOf(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_ .'.split('')), { minLength: 1, maxLength: 8 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((a) => Buffer.from(a.map((b) => (b === 0x2f || b === 0 ? 0xff : b)))),
).filter((b) => caps.nonUtf8Names || Buffer.from(b.toString('utf8')).equals(b)).filter((b) => !b.equals(Buffer.from('.')) && !b.equals(Buffer.from('..')))

const entryArb = fc.record({
  kind: fc.constantFrom('file', 'file', 'dir', 'dir', 'symlink', 'hardlink'),
  parent: fc.nat(),
  name: nameArb,
  size: fc.oneof(fc.constant(0), fc.nat(10_000), fc.constant(70_000)),
  target: fc.nat(),
})

function build(root: string, entries: Array<{ kind: string; parent: number; name: Buffer; size: number; target: number }>): void {
  const dirs: Buffer[] = [Buffer.from(root)]
  const files: Buffer[] = []
  for (const e of entries) {
    const parent = dirs[e.parent % dirs.length]!
    const p = Buffer.concat([parent, Buffer.from('/'), e.name])
    if (fs.existsSync(p)) continue
    try {
      if (e.kind === 'file') {
        fs.writeFileSync(p, Buffer.alloc(e.size, 1))
        files.push(p)
      } else if (e.kind === 'dir') {
        fs.mkdirSync(p)
        dirs.push(p)
      } else if (e.kind === 'symlink') {
        const pool = [...dirs, ...files]
        fs.symlinkSync(e.target % 3 === 0 ? Buffer.from('dangling') : pool[e.target % pool.length]!, p)
      } else if (files.length > 0) {
        fs.linkSync(files[e.target % files.length]!, p)
      }
    } catch {
      // a name the file system refuses (too long, say): skip it
    }
  }
}

test('random trees: totals equal du at threads 1, 2 and 8', (t) => {
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 40 }), (entries) => {
      const root = tempDir()
      try {
        build(root, entries)
        const want = { bytes: duBytes(root), diskBytes: duDisk(root) }
        for (const threads of [1, 2, 8]) {
          const r = dirsizeSync(root, { threads })
          if (r.bytes !== want.bytes || r.diskBytes !== want.diskBytes) return false
        }
        return true
      } finally {
        rm(root)
      }
    }),
    { numRuns: 40 },
  )
  t.pass()
})

const keys = ['threads', 'countLinks', 'followSymlinks', 'oneFileSystem', 'exclude', 'ignore', 'depth', 'top', 'strict', 'bigint', 'signal', 'onProgress', 'progressIntervalMs', 'onRoot', 'nope', 'Threads']
const valueArb = fc.oneof(
  fc.anything(),
  fc.integer({ min: -3, max: 10 }),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.constant(/x/),
  fc.constant(new AbortController().signal),
)

test('random option objects: a Result, or a TypeError/RangeError; never anything else', (t) => {
  const dir = tempDir()
  try {
    fs.writeFileSync(path.join(dir, 'f'), 'x')
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), valueArb, { maxKeys: 4 }), (opts) => {
        try {
          const r = dirsizeSync(dir, opts as never)
          return typeof r.bytes === 'number' || typeof r.bytes === 'bigint'
        } catch (e) {
          return e instanceof TypeError || e instanceof RangeError
        }
      }),
      { numRuns: 500 },
    )
    t.pass()
  } finally {
    rm(dir)
  }
})
