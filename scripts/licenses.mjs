// The licence notices of the bundle: which packages are in it (from esbuild's metafile), the licence each
// declares, and its full text, from the package itself or, for a package that ships none, from licenses/.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Licences the bundle may contain: permissive ones whose notice is all they ask of a redistributor. */
export const ALLOWED_LICENSES = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0'
])

const LICENSE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i

/**
 * The packages whose files are in the bundle, one per installed directory, given the metafile's input paths
 * (`node_modules/@scope/name/dist/x.js`, or nested `node_modules/a/node_modules/b/x.js`).
 */
export function bundledPackages(inputPaths, root = '.') {
  const dirs = new Set()
  for (const path of inputPaths) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(path)
    if (match) dirs.add(match[1])
  }
  return [...dirs]
    .map(dir => {
      const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'))
      return { name: pkg.name, version: pkg.version, license: declaredLicense(pkg), dir }
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
}

function declaredLicense(pkg) {
  if (typeof pkg.license === 'string') return pkg.license
  if (pkg.license?.type) return pkg.license.type
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map(l => l.type).join(' OR ')
  return 'UNKNOWN'
}

/** The file under licenses/ that stands in for a package that ships no licence text. */
export function overrideFile(name, root = '.') {
  return join(root, 'licenses', `${name.replace('/', '__')}.txt`)
}

/** The licence text of a package: its own LICENSE/LICENCE/COPYING file, else licenses/<name>.txt, else null. */
export function licenseText(pkg, root = '.') {
  const own = readdirSync(join(root, pkg.dir)).find(f => LICENSE_FILE.test(f))
  if (own) return readFileSync(join(root, pkg.dir, own), 'utf8').trim()
  const override = overrideFile(pkg.name, root)
  return existsSync(override) ? readFileSync(override, 'utf8').trim() : null
}

/**
 * dist/licenses.txt: every bundled package, its declared licence and its full licence text. Packages whose
 * texts are the same (copyright line included) share one copy of it.
 */
export function licenseNotices(packages, root = '.') {
  const byText = new Map()
  for (const pkg of packages) {
    const text = licenseText(pkg, root)
    if (text === null)
      throw new Error(
        `${pkg.name}@${pkg.version} (${pkg.license}) is bundled but ships no licence text: add ${overrideFile(pkg.name)} with the text from its repository, and say where it came from.`
      )
    byText.set(text, [...(byText.get(text) ?? []), pkg])
  }
  const sections = [...byText].map(
    ([text, pkgs]) => `${pkgs.map(p => `${p.name}@${p.version} (${p.license})`).join('\n')}\n\n${text}`
  )
  return (
    `The ${packages.length} third-party packages bundled in this directory, and their licences.\n\n` +
    sections.join('\n\n---\n\n') +
    '\n'
  )
}

/** Whether an SPDX expression is satisfied by the allowed licences (any side of an OR, every side of an AND). */
export function isAllowedLicense(expression) {
  const clean = expression.replace(/[()]/g, ' ').trim()
  return clean
    .split(/\s+OR\s+/)
    .some(alternative => alternative.split(/\s+AND\s+/).every(id => ALLOWED_LICENSES.has(id.trim())))
}
