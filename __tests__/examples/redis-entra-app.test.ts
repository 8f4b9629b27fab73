// The example app (examples/redis-entra-app) as users would run it: its own process, DefaultAzureCredential and
// @redis/entraid unchanged, with the variables Container Apps gives it (IDENTITY_ENDPOINT/IDENTITY_HEADER from the
// sandbox's managed identity endpoint) and a real redis-server that accepts Entra tokens of assigned identities.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from '../../launcher/node24.ts'
import { freePort } from '../../sandbox/free-port.ts'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'

const SERVER = join(repoRoot, 'examples', 'redis-entra-app', 'server.mjs')
const rg = 'rg-example'

interface Health {
  status: string
  objectId?: string
  error?: string
}

describe('examples/redis-entra-app', () => {
  let sandbox: Sandbox
  const running: ChildProcess[] = []

  beforeAll(async () => {
    sandbox = await startSandbox()
    sandbox.addRedisCache(rg, 'cache', { aadEnabled: true })
  })
  afterAll(async () => {
    for (const child of running) child.kill()
    await sandbox?.stop()
  })

  /** Starts the app as its container would: the app's variables and its managed identity endpoint. */
  async function startApp(app: string, env: Record<string, string> = {}): Promise<string> {
    const port = await freePort()
    const dataPlane = sandbox.dataPlane
    if (!dataPlane) throw new Error('the sandbox has no data plane')
    const child = spawn(process.execPath, [SERVER], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        REDIS_HOST: dataPlane.host,
        REDIS_PORT: String(dataPlane.port),
        NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
        ...sandbox.managedIdentityEnv(rg, app),
        ...env
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    running.push(child)
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout?.on('data', chunk => {
        out += String(chunk)
        if (out.includes('listening')) resolve()
      })
      child.stderr?.on('data', chunk => (out += String(chunk)))
      child.once('exit', code => reject(new Error(`the example app exited (${code}): ${out}`)))
    })
    return `http://127.0.0.1:${port}/healthz`
  }

  const health = async (url: string): Promise<{ status: number; body: Health }> => {
    const res = await fetch(url)
    return { status: res.status, body: (await res.json()) as Health }
  }

  it('answers 200 after a SET and a GET through its system identity, and says which object id it is', async () => {
    sandbox.addContainerApp(rg, 'app-system', { identity: { type: 'SystemAssigned' } })
    const principalId = sandbox.getContainerApp(rg, 'app-system').identity.principalId ?? ''
    await sandbox.addAssignment(rg, 'cache', 'app-system', {
      objectId: principalId,
      accessPolicyName: 'Data Contributor'
    })
    const url = await startApp('app-system')
    expect(await health(url)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        redis: `${sandbox.dataPlane?.host}:${sandbox.dataPlane?.port}`,
        objectId: principalId
      }
    })
    // The token came from the app's managed identity (not from any workflow credential).
    expect(sandbox.tokensIssued).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          grant: 'managed_identity',
          objectId: principalId,
          audience: 'https://redis.azure.com/'
        })
      ])
    )
  })

  it('answers 503 with Redis’s refusal while its identity has no access policy assignment', async () => {
    sandbox.addContainerApp(rg, 'app-unassigned', { identity: { type: 'SystemAssigned' } })
    const url = await startApp('app-unassigned')
    const { status, body } = await health(url)
    expect(status).toBe(503)
    expect(body.error).toMatch(/WRONGPASS|NOPERM|invalid username-password/i)
  })

  it('signs in as the user-assigned identity named by AZURE_CLIENT_ID', async () => {
    const uami = sandbox.addUserAssignedIdentity(rg, 'id-example')
    sandbox.addContainerApp(rg, 'app-user', {
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    await sandbox.addAssignment(rg, 'cache', 'app-user', {
      objectId: uami.principalId,
      accessPolicyName: 'Data Owner'
    })
    const url = await startApp('app-user', { AZURE_CLIENT_ID: uami.clientId })
    expect(await health(url)).toMatchObject({
      status: 200,
      body: { status: 'ok', objectId: uami.principalId }
    })
  })

  it('answers 503 and names the missing variable when REDIS_HOST is not set', async () => {
    sandbox.addContainerApp(rg, 'app-unset', { identity: { type: 'SystemAssigned' } })
    const url = await startApp('app-unset', { REDIS_HOST: '' })
    expect(await health(url)).toEqual({
      status: 503,
      body: { status: 'error', error: 'REDIS_HOST is not set' }
    })
  })
})
