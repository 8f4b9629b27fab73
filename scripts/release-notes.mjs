// `node scripts/release-notes.mjs vX.Y.Z`: checks that the tag, package.json's version and CHANGELOG.md agree
// (a `## [X.Y.Z] - YYYY-MM-DD` section) and prints that section, the release notes. Exits 1 if they do not.
import { readFileSync } from 'node:fs'

const tag = process.argv[2] ?? ''
const fail = message => {
  console.error(`release: ${message}`)
  process.exit(1)
}
const version = /^v(\d+\.\d+\.\d+)$/.exec(tag)?.[1]
if (!version) fail(`'${tag}' is not a release tag (vX.Y.Z)`)
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
if (pkg.version !== version) fail(`package.json says ${pkg.version}, the tag says ${version}: bump it first`)

const lines = readFileSync('CHANGELOG.md', 'utf8').split('\n')
const escaped = version.replace(/\./g, '\\.')
const start = lines.findIndex(l => new RegExp(`^## \\[${escaped}\\] - \\d{4}-\\d{2}-\\d{2}$`).test(l))
if (start < 0)
  fail(`CHANGELOG.md has no '## [${version}] - YYYY-MM-DD' section: move Unreleased there, with the date`)
const end = lines.findIndex((l, i) => i > start && /^## /.test(l))
const notes = lines
  .slice(start + 1, end < 0 ? undefined : end)
  .join('\n')
  .trim()
if (!notes) fail(`the CHANGELOG.md section for ${version} is empty`)
console.log(notes)
