/**
 * What a TypeScript user gets from the packed tarball: the package linted by publint --strict
 * and @arethetypeswrong/cli, then a consumer project per module resolution (node10, node16
 * from ESM and from CommonJS, nodenext, bundler) that type-checks __test__/consumer/*.ts
 * against the tarball's own declarations and runs what tsc emits, with the platform package
 * beside it as npm would install it. Offline: the tarballs are unpacked, not installed, and
 * the runtime dependencies and @types/node are linked from this checkout's node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import test from 'ava'

import { caps, testIf } from './helpers/platform'
import { duBytes, repoRoot } from './helpers/trees'

const fixtures = path.join(repoRoot, '__test__', 'consumer')
const bin = (pkg: string, file: string): string => path.join(repoRoot, 'node_modules', pkg, file)
const tsc = bin('typescript', 'bin/tsc')

/** The addon this checkout built (or, in the release tests, downloaded): dirsize.<triple>.node. */
const built = fs.readdirSync(repoRoot).filter((f) => /^dirsize\.[\w-]+\.node$/.test(f))

function run(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

/** npm pack without lifecycle scripts: `prepare` would rebuild the addon under the other tests. */
function pack(dir: string, dest: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  return path.join(dest, (JSON.parse(out) as { filename: string }[])[0]!.filename)
}

function unpack(tarball: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1'])
}

function link(from: string, name: string, modules: string): void {
  const to = path.join(modules, name)
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.symlinkSync(path.join(from, name), to, 'junction')
}

interface Variant {
  name: string
  /** package.json's "type" for the project (decides what a .ts file is). */
  type: 'commonjs' | 'module'
  /** main.ts copied under these names; tsc emits .js, .mjs, .cjs beside them in out/. */
  mains: string[]
  compilerOptions: Record<string, unknown>
}

const variants: Variant[] = [
  { name: 'node10', type: 'commonjs', mains: ['main.ts'], compilerOptions: { module: 'commonjs', moduleResolution: 'node10' } },
  { name: 'node16', type: 'commonjs', mains: ['main.mts', 'main.cts'], compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'nodenext', type: 'module', mains: ['main.ts'], compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'bundler', type: 'module', mains: ['main.ts'], compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
]

let work = ''
let tarball = ''
let consumer = ''

test.before(() => {
  if (built.length !== 1) return
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsize-consumer-'))
  tarball = pack(repoRoot, work)
  const triple = built[0]!.slice('dirsize.'.length, -'.node'.length)
  // A copy of npm/<triple>: the packaging check packs the same directory at the same time.
  const platformDir = path.join(work, `platform-${triple}`)
  fs.cpSync(path.join(repoRoot, 'npm', triple), platformDir, { recursive: true })
  fs.copyFileSync(path.join(repoRoot, built[0]!), path.join(platformDir, built[0]!))
  const platform = pack(platformDir, work)

  consumer = path.join(work, 'consumer')
  const modules = path.join(consumer, 'node_modules')
  unpack(tarball, path.join(modules, 'dirsize'))
  unpack(platform, path.join(modules, `dirsize-${triple}`))
  const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  for (const name of [...Object.keys(dependencies), '@types/node']) link(path.join(repoRoot, 'node_modules'), name, modules)
})

test.after.always(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

testIf(built.length === 1)('publint --strict finds nothing to report in the tarball', (t) => {
  const r = run(process.execPath, [bin('publint', 'src/cli.js'), '--strict', tarball], work)
  t.is(r.status, 0, r.out)
  t.regex(r.out, /All good!/, r.out)
  t.notRegex(r.out, /Suggestions|Warnings|Errors/, r.out)
})

testIf(built.length === 1)('arethetypeswrong finds no problem in any entry point under any resolution', (t) => {
  const r = run(process.execPath, [bin('@arethetypeswrong/cli', 'dist/index.js'), '--format', 'json', tarball], work)
  const { analysis } = JSON.parse(r.out.slice(r.out.indexOf('{'))) as {
    analysis: { entrypoints: Record<string, unknown>; problems: unknown[] }
  }
  t.deepEqual(analysis.problems, [])
  t.is(r.status, 0)
  t.deepEqual(Object.keys(analysis.entrypoints).sort(), ['.', './fast-folder-size', './fast-folder-size/sync', './get-folder-size', './package.json'])
})

for (const v of variants) {
  testIf(built.length === 1)(`a ${v.name} project type-checks against the tarball and runs`, (t) => {
    const dir = path.join(consumer, v.name)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${v.name}`, private: true, type: v.type }))
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', strict: true, esModuleInterop: true, types: ['node'], outDir: 'out',
        // The package's declarations are what is under test: check them too.
        skipLibCheck: false,
        ...v.compilerOptions,
      },
      include: ['*.ts', '*.mts', '*.cts'],
    }))
    for (const main of v.mains) fs.copyFileSync(path.join(fixtures, 'main.ts'), path.join(dir, main))
    fs.copyFileSync(path.join(fixtures, 'types.ts'), path.join(dir, 'types.ts'))

    const compiled = run(process.execPath, [tsc, '-p', dir], dir)
    t.is(compiled.status, 0, `tsc (${v.name}):\n${compiled.out}`)
    if (compiled.status !== 0) return

    const target = path.join(consumer, 'node_modules', 'dirsize')
    for (const main of v.mains) {
      const js = path.join(dir, 'out', main.replace(/\.([cm]?)ts$/, '.$1js'))
      const r = spawnSync(process.execPath, [js, target], { cwd: dir, encoding: 'utf8', env: { ...process.env, DIRSIZE_NATIVE: '' } })
      t.is(r.status, 0, `${v.name}/${main}: ${r.stderr}`)
      t.is(r.stderr, '', `${v.name}/${main}`)
      const got = JSON.parse(r.stdout) as { backend: string; bytes: number; sync: number; gfs: number; ffs: number; ffsSync: number }
      t.is(got.backend, 'native', `${v.name}/${main}: the platform package beside it is found`)
      t.is(got.sync, got.bytes, `${v.name}/${main}`)
      if (caps.gnuDu) t.is(got.bytes, duBytes(target), `${v.name}/${main}: du -sb`)
      t.true(got.gfs > 0 && got.ffs > 0 && got.ffs === got.ffsSync, `${v.name}/${main}: the drop-ins answer (${r.stdout.trim()})`)
    }
  })
}
