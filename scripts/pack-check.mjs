#!/usr/bin/env node
// The packaging check (`npm run pack:check`): pack the root package and npm/<this platform> as
// npm would publish them, install them into empty projects, and check what a user gets:
//   root + platform package -> backend 'native', totals equal du;
//   root tarball alone      -> backend 'typescript', one warning line, the same totals.
// Run after a build (the platform package takes the freshly built .node file).
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// The platform package of the binary built (or downloaded, in the release tests) here:
// dirsize.<triple>.node, e.g. linux-x64-gnu, darwin-arm64.
const built = fs.readdirSync(root).filter((f) => /^dirsize\.[\w-]+\.node$/.test(f))
if (built.length !== 1) {
  console.error(`pack:check: expected one dirsize.<platform>.node in ${root} (run npm run build first), found ${built.length ? built.join(', ') : 'none'}`)
  process.exit(1)
}
const binary = built[0]
const triple = binary.slice('dirsize.'.length, -'.node'.length)
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsize-pack-'))
const failures = []
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  if (!ok) failures.push(what)
}

// --ignore-scripts: `prepare` would rebuild the addon (and rewrite binding.js) while the rest of
// the suite uses it; what is packed is what `npm run build` left, as the release publishes it.
function pack(dir) {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const [info] = JSON.parse(out)
  return { file: path.join(work, info.filename), files: info.files.map((f) => f.path) }
}

function project(name, tarballs) {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  return dir
}

function scan(dir, target) {
  const script = `const d = require('dirsize'); const r = d.dirsizeSync(${JSON.stringify(target)});
    console.log(JSON.stringify({ backend: d.backend, resultBackend: r.backend, bytes: r.bytes, diskBytes: r.diskBytes }))`
  const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, DIRSIZE_NATIVE: '' } })
  if (r.status !== 0) throw new Error(`scan in ${dir} failed: ${r.stderr}`)
  return { ...JSON.parse(r.stdout), stderr: r.stderr }
}

try {

  const main = pack(root)
  check(!main.files.some((f) => f.endsWith('.node')), 'the root tarball ships no .node binary')
  for (const f of ['binding.js', 'binding.d.ts', 'dist/index.js', 'dist/index.d.ts', 'esm/index.mjs', 'esm/index.d.mts', 'bin/dirsize.js', 'dist/src/compat/get-folder-size.js', 'README.md', 'LICENSE']) {
    check(main.files.includes(f), `the root tarball ships ${f}`)
  }
  check(!main.files.some((f) => f.startsWith('src-rs/') || f.startsWith('__test__/') || f.endsWith('.ts') && !f.endsWith('.d.ts')), 'and no Rust or TypeScript sources, no tests')

  // Packed from a copy: the checkout's npm/<triple> stays as committed, and the consumer test
  // packs the same package at the same time.
  const platformDir = path.join(work, `npm-${triple}`)
  fs.cpSync(path.join(root, 'npm', triple), platformDir, { recursive: true })
  fs.copyFileSync(path.join(root, binary), path.join(platformDir, binary))
  const platform = pack(platformDir)
  check(platform.files.includes(binary), `dirsize-${triple} ships ${binary}`)

  const target = path.join(root, 'src')
  const du = (flags) => Number(execFileSync('du', [...flags, target], { encoding: 'utf8' }).split('\t')[0])
  const want = { bytes: du(['-sb']), diskBytes: du(['-s', '-B1']) }

  const native = scan(project('with-binary', [main.file, platform.file]), target)
  check(native.backend === 'native' && native.resultBackend === 'native', `root + platform package: backend 'native' (got ${native.backend})`)
  check(native.bytes === want.bytes && native.diskBytes === want.diskBytes, 'root + platform package: totals equal du')
  check(native.stderr === '', 'root + platform package: nothing on stderr')

  const fallback = scan(project('root-only', [main.file]), target)
  check(fallback.backend === 'typescript' && fallback.resultBackend === 'typescript', `root tarball alone: backend 'typescript' (got ${fallback.backend})`)
  check(fallback.bytes === want.bytes && fallback.diskBytes === want.diskBytes, 'root tarball alone: the same totals')
  const warning = `dirsize: no prebuilt binary for ${process.platform}-${process.arch}; using the slower TypeScript walker\n`
  check(fallback.stderr === warning, `root tarball alone: the one warning line (got ${JSON.stringify(fallback.stderr)})`)
} catch (e) {
  failures.push(e.message)
  console.error(e.message)
} finally {
  fs.rmSync(work, { recursive: true, force: true })
}
console.log(failures.length ? `pack:check: ${failures.length} failed` : 'pack:check: all good')
process.exitCode = failures.length ? 1 : 0
