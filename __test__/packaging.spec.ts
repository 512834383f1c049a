/** The packaging check: what `npm install dirsize` gives, with and without a prebuilt binary. */
import { spawnSync } from 'node:child_process'

import test from 'ava'

import { repoRoot } from './helpers/trees'

test('npm run pack:check: native with the platform package, the TypeScript walker without', (t) => {
  const r = spawnSync('npm', ['run', 'pack:check'], { cwd: repoRoot, encoding: 'utf8', timeout: 170_000 })
  t.log(r.stdout.split('\n').filter((l) => /^(ok|FAIL)/.test(l)).length, 'checks')
  t.is(r.status, 0, `${r.stdout}\n${r.stderr}`)
  t.regex(r.stdout, /pack:check: all good/)
  t.notRegex(r.stdout, /^FAIL/m)
})
