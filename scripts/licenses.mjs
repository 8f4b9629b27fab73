// Writes dist/licenses.txt from the packages that really are in the bundle (read from its source maps).
// ncc's own --license output misses most packages of a split ESM build.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dist = 'dist'
const packages = new Set()
for (const file of readdirSync(dist).filter(f => f.endsWith('.js.map'))) {
  for (const source of JSON.parse(readFileSync(join(dist, file), 'utf8')).sources) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)
    if (match) packages.add(match[1])
  }
}
const sections = []
for (const name of [...packages].sort()) {
  const dir = join('node_modules', name)
  if (!existsSync(join(dir, 'package.json'))) continue
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const licenseFile = readdirSync(dir).find(f => /^(licen[cs]e|copying)(\.|$)/i.test(f))
  const text = licenseFile
    ? readFileSync(join(dir, licenseFile), 'utf8').trim()
    : '(no license file in the package)'
  sections.push(`${name}@${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}`)
}
writeFileSync(join(dist, 'licenses.txt'), sections.join('\n\n') + '\n')
console.log(`dist/licenses.txt: ${sections.length} packages`)
