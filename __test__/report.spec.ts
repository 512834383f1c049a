/** The HTML report: its embedded data matches the scan, and it draws in headless Chromium. */
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'

import { dirsize, report } from 'dirsize'

import { embedded, type ReportNode as Node } from './helpers/report'
import { manyFiles, repoRoot, rm, tempDir } from './helpers/trees'

/** The leaves' total: a directory's children (subdirectories, files, its "(files)") add up to it. */
function sum(n: Node, k: 'bytes' | 'diskBytes' | 'files'): number {
  return n.children ? n.children.reduce((a, c) => a + sum(c, k), 0) : n[k]
}

const tree = tempDir()
for (const d of ['alpha', 'beta', 'gamma']) manyFiles(path.join(tree, d, 'sub'), 30)
fs.writeFileSync(path.join(tree, 'alpha', 'big.bin'), Buffer.alloc(300_000, 1))
fs.writeFileSync(path.join(tree, '<script>alert(1)<\\script>'), 'x')
fs.mkdirSync(path.join(tree, 'beta', '<img src=x onerror=alert(2)>'))
test.after.always(() => rm(tree))

test('the embedded data equals the scan: totals, and every level sums to its parent', async (t) => {
  const page = await report(tree)
  const data = embedded(page)
  const scan = await dirsize(tree)
  const root = data.roots[0]!
  t.is(root.bytes, scan.bytes)
  t.is(root.diskBytes, scan.diskBytes)
  t.is(root.files, scan.files)
  // The leaves add up to the root: listing and folding lose nothing.
  t.is(sum(root.tree, 'bytes'), scan.bytes)
  t.is(sum(root.tree, 'diskBytes'), scan.diskBytes)
  t.is(sum(root.tree, 'files'), scan.files)
  t.is(root.largestFiles[0]!.path, path.join(tree, 'alpha', 'big.bin'))
  t.deepEqual(root.tree.children!.filter((c) => c.kind === 'dir').map((c) => c.name).sort(), ['alpha', 'beta', 'gamma'])
})

test('names are data, never markup: the page holds no raw tag from a file name', async (t) => {
  const page = await report(tree)
  t.false(page.includes('<script>alert(1)'))
  t.false(page.includes('<img src=x'))
  t.true(JSON.stringify(embedded(page)).includes('<img src=x onerror=alert(2)>'))
})

test('several roots: one entry each', async (t) => {
  const data = embedded(await report([path.join(tree, 'alpha'), path.join(tree, 'beta')]))
  t.deepEqual(data.roots.map((r) => path.basename(r.path)), ['alpha', 'beta'])
})

test('a large tree stays small: folded into "(other)"', async (t) => {
  const dir = tempDir()
  try {
    for (let i = 0; i < 300; i++) manyFiles(path.join(dir, `d${i}`), 3)
    fs.writeFileSync(path.join(dir, 'huge'), Buffer.alloc(5_000_000, 1))
    const page = await report(dir, { minShare: 0.01 })
    const root = embedded(page).roots[0]!
    t.true(root.tree.children!.length < 20, `${root.tree.children!.length} children`)
    t.truthy(root.tree.children!.find((c) => c.name === '(other)'))
    t.is(sum(root.tree, 'bytes'), root.bytes)
  } finally {
    rm(dir)
  }
})

const chromium = '/usr/bin/chromium'
const e2e = fs.existsSync(chromium) ? test.serial : test.skip

e2e('in headless Chromium: top-level rectangles, a click into a folder, a screenshot', async (t) => {
  const { chromium: pw } = await import('playwright-core')
  const out = path.join(repoRoot, '__test__', 'output')
  fs.mkdirSync(out, { recursive: true })
  const file = path.join(out, 'report.html')
  const page0 = await report(tree, { file })
  const root = embedded(page0).roots[0]!
  const browser = await pw.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`file://${file}`)
    const tops = await page.locator('.cell.top').count()
    t.is(tops, root.tree.children!.length)
    await page.screenshot({ path: path.join(out, 'report.png') })
    await page.locator('.cell.top', { hasText: 'alpha' }).first().click()
    t.regex((await page.locator('#crumbs').textContent()) ?? '', /alpha/)
    const inAlpha = await page.locator('.cell.top').count()
    const alpha = root.tree.children!.find((c) => c.name === 'alpha')!
    t.is(inAlpha, alpha.children!.length)
    await page.locator('#mode button', { hasText: 'apparent' }).click()
    await page.screenshot({ path: path.join(out, 'report-alpha.png') })
    t.deepEqual(dialogs, [], 'no script from a file name ran')
    t.true(fs.statSync(path.join(out, 'report.png')).size > 1000)
  } finally {
    await browser.close()
  }
})
