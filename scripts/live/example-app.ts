// Runs examples/redis-entra-app as the sandbox's container would: the env of the app's latest ready revision and
// the app's managed identity endpoint; answers what its /healthz said.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../launcher/node24.ts'
import { envOf } from '../../launcher/world.ts'
import { freePort } from '../../sandbox/free-port.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import type { HealthAnswer } from './checks.ts'

const SERVER = join(repoRoot, 'examples', 'redis-entra-app', 'server.mjs')

export async function exampleAppHealth(
  sandbox: Sandbox,
  rg: string,
  app: string,
  container: string
): Promise<HealthAnswer> {
  const revisionEnv = envOf(sandbox.getContainerApp(rg, app), container)
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
      ...Object.fromEntries(
        Object.entries(revisionEnv).filter((e): e is [string, string] => e[1] !== undefined)
      ),
      ...sandbox.managedIdentityEnv(rg, app)
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  try {
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', chunk => {
        out += String(chunk)
        if (out.includes('listening')) resolve()
      })
      child.stderr.on('data', chunk => (out += String(chunk)))
      child.once('exit', code => reject(new Error(`the example app exited (${code}): ${out}`)))
    })
    const res = await fetch(`http://127.0.0.1:${port}/healthz`)
    return { status: res.status, body: (await res.json()) as HealthAnswer['body'] }
  } finally {
    child.kill()
  }
}
