// Runs a script or tool under Node 24, the runtime of the GitHub runner's `node24`.
// Usage: node scripts/with-node24.mjs <file> [args...]
import { spawn } from 'node:child_process'
import { node24Path, repoRoot } from './node24.mjs'

const [file, ...args] = process.argv.slice(2)
const child = spawn(node24Path(), [file, ...args], { stdio: 'inherit', cwd: repoRoot, env: process.env })
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
