// `npm run lint:imports [dir]`: keeps the code under src/ (or dir) layered. Every import counts, `import type`
// and `import()` included. The check fails when
//   - files import each other in a cycle (a.ts → b.ts → … → a.ts);
//   - folders do: two that import each other, or a longer ring (a file at the top of the tree counts as a folder
//     of its own);
//   - domain/ imports from outside itself.
// The order the folders keep today, each importing only folders before it:
//   domain ← deadline, progress ← azure ← inputs ← credential ← read ← plan ← report ← explain-failure,
//   run-context ← apply ← verify ← sign-in, connect ← main
// domain/ is the vocabulary every stage shares: targets and resource ids, clouds, cache kinds, attached identities,
// what a revision's state means, portal links, safe log text.
// Prints each offending edge as file → file and exits 1 if there is any.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import ts from 'typescript'

const root = process.argv[2] ?? 'src'
const DOMAIN = 'domain'

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : []
  )
}
const posix = p => p.split(sep).join('/')
const files = walk(root).map(f => posix(relative(root, f)))
const known = new Set(files)

// file → the files it imports (relative specifiers; `./x.js` names `./x.ts`).
const imports = new Map()
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true)
  const targets = importedFiles
    .map(i => i.fileName)
    .filter(s => s.startsWith('.'))
    .map(s => posix(join(dirname(file), s.replace(/\.js$/, '.ts'))))
    .filter(t => known.has(t))
  imports.set(file, [...new Set(targets)])
}
const folderOf = f => f.split('/')[0]
const folders = new Map()
for (const [file, targets] of imports) {
  const from = folderOf(file)
  if (!folders.has(from)) folders.set(from, [])
  for (const t of targets) if (folderOf(t) !== from) folders.get(from).push(folderOf(t))
}

/** The strongly connected components of a graph (Tarjan) that hold a cycle. */
function cycles(graph) {
  let next = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const found = []
  function visit(v) {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    for (const w of graph.get(v)) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v), index.get(w)))
    }
    if (low.get(v) !== index.get(v)) return
    const component = stack.splice(stack.indexOf(v))
    if (component.length > 1 || graph.get(v).includes(v)) found.push(new Set(component))
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

/** The shortest cycle through the first node (by name) of a component, as a → b → a. */
function ring(graph, component) {
  const [start] = [...component].sort()
  const from = new Map([[start, null]])
  const queue = [start]
  for (const x of queue) {
    for (const w of graph.get(x).filter(y => component.has(y))) {
      if (w === start) {
        const path = [start]
        for (let y = x; y !== null; y = from.get(y)) path.unshift(y)
        return path.join(' → ')
      }
      if (!from.has(w)) {
        from.set(w, x)
        queue.push(w)
      }
    }
  }
}

const problems = []
for (const component of cycles(imports)) problems.push(`import cycle: ${ring(imports, component)}`)
for (const component of cycles(folders)) {
  const edges = [...imports].flatMap(([file, targets]) =>
    targets
      .filter(
        t => folderOf(t) !== folderOf(file) && component.has(folderOf(file)) && component.has(folderOf(t))
      )
      .map(t => `${file} → ${t}`)
  )
  problems.push(
    `folders import each other: ${[...component].sort().join(', ')} (${ring(folders, component)})\n    ${edges.join('\n    ')}`
  )
}
for (const [file, targets] of imports) {
  if (folderOf(file) !== DOMAIN) continue
  for (const t of targets)
    if (folderOf(t) !== DOMAIN) problems.push(`${DOMAIN}/ imports a stage: ${file} → ${t}`)
}

for (const p of problems) console.error(`${root}: ${p}`)
if (problems.length) process.exit(1)
console.log(
  `${root}: ${files.length} files in ${folders.size} folders; no import cycles between files or folders`
)
