// `npm run check:dist`: dist/ is what `npm run package` makes from src/ now, within its size budget, with no
// executable or stray files, no package that has no business in it, and a licence notice, under an allowed
// licence, for every bundled package. Prints each problem and exits 1 if there is any.
import { build } from 'esbuild'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { BUDGET, bundleBuilds } from './bundle-options.mjs'
import { bundledPackages, isAllowedLicense, licenseNotices } from './licenses.mjs'

/** Packages the action must not ship: the `redis` meta-package brings modules it never uses. */
const NOT_IN_BUNDLE = ['redis', '@redis/bloom', '@redis/json', '@redis/search', '@redis/time-series', 'open']

const problems = []
const shipped = walk('dist')

// In step with src/: the same files with the same bytes as a fresh bundle.
const fresh = await Promise.all(bundleBuilds().map(options => build({ ...options, write: false })))
const expected = new Map(
  fresh.flatMap(r => r.outputFiles).map(f => [relative('dist', f.path), Buffer.from(f.contents)])
)
const packages = bundledPackages(fresh.flatMap(r => Object.keys(r.metafile.inputs)))
let notices = ''
try {
  notices = licenseNotices(packages)
  expected.set('licenses.txt', Buffer.from(notices))
} catch (error) {
  problems.push(error.message)
}
expected.set('package.json', Buffer.from('{ "type": "module" }\n'))
for (const [file, bytes] of expected) {
  if (!shipped.includes(file))
    problems.push(`dist/${file} is missing: run 'npm run package' and commit dist/`)
  else if (!readFileSync(join('dist', file)).equals(bytes))
    problems.push(`dist/${file} differs from a fresh build of src/: run 'npm run package' and commit dist/`)
}
for (const file of shipped.filter(f => !expected.has(f)))
  problems.push(`dist/${file} is not part of the build (source maps, assets and scripts are not shipped)`)

// Nothing executable: a JavaScript action needs none, and a script in dist/ is code no one reviews.
for (const file of shipped) {
  const path = join('dist', file)
  if (statSync(path).mode & 0o111) problems.push(`${path} is executable`)
  if (readFileSync(path).subarray(0, 2).toString() === '#!') problems.push(`${path} is a script (#!)`)
}

// Budgets.
const total = shipped.reduce((sum, file) => sum + statSync(join('dist', file)).size, 0)
const main = shipped.includes('index.js') ? statSync('dist/index.js').size : 0
if (total > BUDGET.dist) problems.push(`dist/ is ${mb(total)}, over its budget of ${mb(BUDGET.dist)}`)
if (main > BUDGET.mainFile)
  problems.push(`dist/index.js is ${mb(main)}, over its budget of ${mb(BUDGET.mainFile)}`)

// Licences.
for (const pkg of packages) {
  if (NOT_IN_BUNDLE.includes(pkg.name))
    problems.push(`${pkg.name} is in the bundle: import what the action uses (@redis/client, not redis)`)
  if (!isAllowedLicense(pkg.license))
    problems.push(
      `${pkg.name}@${pkg.version} is bundled under '${pkg.license}', which is not an allowed licence (scripts/licenses.mjs ALLOWED_LICENSES)`
    )
}

if (problems.length) {
  console.error(`dist/ check failed:\n${problems.map(p => `  - ${p}`).join('\n')}`)
  process.exit(1)
}
console.log(
  `dist/ check passed: in step with src/, ${mb(total)} in all (budget ${mb(BUDGET.dist)}), index.js ${mb(main)} (budget ${mb(BUDGET.mainFile)}), ${shipped.length} files, none executable, ${packages.length} bundled packages with allowed licences and their texts`
)

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(join(dir, e.name)).map(f => `${e.name}/${f}`) : [e.name]
  )
}

function mb(bytes) {
  return `${(bytes / 1_000_000).toFixed(2)} MB`
}
