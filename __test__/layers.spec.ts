/**
 * The layering rules of ARCHITECTURE.md, read from the sources with the TypeScript compiler's
 * own import scanner: nothing under src/ imports the root index (it only re-exports), and no
 * module reaches itself through its imports (type-only and lazy `require` ones count too).
 */
import fs from 'node:fs'
import path from 'node:path'

import test from 'ava'
import ts from 'typescript'

const root = path.join(__dirname, '..')

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : []
  })
}

/** Each source file's relative imports, resolved to files (`./x` is x.ts or x/index.ts). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
    const targets = importedFiles
      .map((f) => f.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => {
        const base = path.resolve(path.dirname(file), name.replace(/\.js$/, ''))
        return [`${base}.ts`, path.join(base, 'index.ts')].find((p) => fs.existsSync(p))
      })
      .filter((p): p is string => p !== undefined)
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/** The first import circle found (as a list of files, the first repeated at the end), or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>()
  const onPath: string[] = []
  const visit = (file: string): string[] | undefined => {
    const at = onPath.indexOf(file)
    if (at >= 0) return [...onPath.slice(at), file]
    if (done.has(file)) return undefined
    onPath.push(file)
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    onPath.pop()
    done.add(file)
    return undefined
  }
  for (const file of graph.keys()) {
    const cycle = visit(file)
    if (cycle) return cycle
  }
  return undefined
}

const files = [path.join(root, 'index.ts'), ...sources(path.join(root, 'src'))]
const graph = importGraph(files)
const rel = (p: string): string => path.relative(root, p)

test('the import scan sees the imports (else the checks below pass on nothing)', (t) => {
  t.true(graph.get(path.join(root, 'index.ts'))!.includes(path.join(root, 'src', 'api.ts')))
  // A lazy require counts: the API loads the report only when asked for one.
  t.true(graph.get(path.join(root, 'src', 'api.ts'))!.includes(path.join(root, 'src', 'report', 'index.ts')))
})

test('nothing under src/ imports the root index', (t) => {
  const index = path.join(root, 'index.ts')
  const offenders = [...graph].filter(([file, targets]) => file !== index && targets.includes(index)).map(([file]) => rel(file))
  t.deepEqual(offenders, [])
})

test('no import circle', (t) => {
  t.is(findCycle(graph)?.map(rel).join(' -> '), undefined)
})

test('the circle finder finds one', (t) => {
  const a = path.join(root, 'a.ts')
  const b = path.join(root, 'b.ts')
  t.deepEqual(findCycle(new Map([[a, [b]], [b, [a]]]))?.map(rel), ['a.ts', 'b.ts', 'a.ts'])
})
