// `npm run package`: bundles src/ into dist/ (see bundle-options.mjs) and writes dist/licenses.txt from
// esbuild's metafile, the exact list of packages that ended up in the bundle.
// No source maps: they would be 3.5 times the size of the code, and the action reports errors as messages, not
// stack traces.
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { bundleBuilds, eagerUnbundledImports } from './bundle-options.mjs'
import { bundledPackages, licenseNotices } from './licenses.mjs'

rmSync('dist', { recursive: true, force: true })
const results = await Promise.all(bundleBuilds().map(options => build(options)))
const metafile = {
  inputs: Object.assign({}, ...results.map(r => r.metafile.inputs)),
  outputs: Object.assign({}, ...results.map(r => r.metafile.outputs))
}
const eager = eagerUnbundledImports(metafile)
if (eager.length) throw new Error(`unbundled packages imported at start-up: ${eager.join('; ')}`)
// dist/ runs as ESM on its own, whatever package.json is above it.
writeFileSync('dist/package.json', '{ "type": "module" }\n')

const packages = bundledPackages(Object.keys(metafile.inputs))
writeFileSync('dist/licenses.txt', licenseNotices(packages))

const sizes = Object.entries(metafile.outputs)
  .filter(([file]) => /\.c?js$/.test(file))
  .map(([file, o]) => `${relative('dist', file)} ${(o.bytes / 1024).toFixed(0)} KiB`)
console.log(`dist/: ${sizes.join(', ')}; licenses.txt: ${packages.length} packages`)
