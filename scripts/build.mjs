// `npm run package`: bundles src/ into dist/ (see bundle-options.mjs) and writes dist/licenses.txt from
// esbuild's metafile, the exact list of packages that ended up in the bundle.
//   --maps DIR   also write source maps, into DIR rather than dist/ (the release attaches them as an asset).
//                With sourcemap 'external' the JavaScript carries no sourceMappingURL comment, so it is the
//                same byte for byte as without maps.
import { build } from 'esbuild'
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { bundleOptions, eagerUnbundledImports } from './bundle-options.mjs'
import { bundledPackages, licenseNotices } from './licenses.mjs'

const mapsIndex = process.argv.indexOf('--maps')
const mapsDir = mapsIndex > 0 ? process.argv[mapsIndex + 1] : undefined

rmSync('dist', { recursive: true, force: true })
const result = await build(bundleOptions({ sourcemap: mapsDir ? 'external' : false }))
const eager = eagerUnbundledImports(result.metafile)
if (eager.length) throw new Error(`unbundled packages imported at start-up: ${eager.join('; ')}`)
// dist/ runs as ESM on its own, whatever package.json is above it.
writeFileSync('dist/package.json', '{ "type": "module" }\n')

const packages = bundledPackages(Object.keys(result.metafile.inputs))
writeFileSync('dist/licenses.txt', licenseNotices(packages))

if (mapsDir) {
  for (const file of walk('dist').filter(f => f.endsWith('.map'))) {
    const target = join(mapsDir, relative('dist', file))
    mkdirSync(dirname(target), { recursive: true })
    renameSync(file, target)
  }
}

const sizes = Object.entries(result.metafile.outputs)
  .filter(([file]) => file.endsWith('.js'))
  .map(([file, o]) => `${relative('dist', file)} ${(o.bytes / 1024).toFixed(0)} KiB`)
console.log(`dist/: ${sizes.join(', ')}; licenses.txt: ${packages.length} packages`)

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]
  )
}
