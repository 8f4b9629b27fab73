import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { runInThisContext } from 'node:vm'
import { AzureCliCredential } from '@azure/identity'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { ARM_SCOPE, modularOptions } from './helpers.ts'

const run = promisify(execFile)
// jest gives each test file a copy of process.env: modules loaded by the test (AzureCliCredential resolves
// and spawns az with it) see the copy, node:child_process used directly inherits the real one.
const envs = [process.env, runInThisContext('process.env') as NodeJS.ProcessEnv]

describe('sandbox fake az CLI', () => {
  let sandbox: Sandbox
  const saved = envs.map(env => ({ ...env }))
  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    for (const env of envs) Object.assign(env, sandbox.actionEnv())
  })
  afterAll(async () => {
    envs.forEach((env, i) => {
      for (const key of Object.keys(sandbox?.actionEnv() ?? {})) {
        if (saved[i][key] === undefined) delete env[key]
        else env[key] = saved[i][key]
      }
    })
    await sandbox?.stop()
  })

  it("prints az's login error and exits 1 when nobody is logged in; AzureCliCredential reports it", async () => {
    sandbox.setAzCliLogin(undefined)
    await expect(
      run('az', [
        'account',
        'get-access-token',
        '--output',
        'json',
        '--resource',
        'https://management.azure.com'
      ])
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("Please run 'az login' to setup account.")
    })
    await expect(new AzureCliCredential().getToken(ARM_SCOPE)).rejects.toMatchObject({
      name: 'CredentialUnavailableError'
    })
  })

  it('answers get-access-token in az JSON for the logged-in identity (--resource and --scope)', async () => {
    const workflow = sandbox.addWorkflowIdentity()
    sandbox.setAzCliLogin(workflow.clientId)
    const { stdout } = await run('az', [
      'account',
      'get-access-token',
      '--output',
      'json',
      '--scope',
      'https://redis.azure.com/.default',
      '--tenant',
      sandbox.tenantId
    ])
    const out = JSON.parse(stdout)
    expect(Object.keys(out).sort()).toEqual([
      'accessToken',
      'expiresOn',
      'expires_on',
      'subscription',
      'tenant',
      'tokenType'
    ])
    expect(out).toMatchObject({
      subscription: sandbox.subscriptionId,
      tenant: sandbox.tenantId,
      tokenType: 'Bearer'
    })
    expect(out.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/)
    expect(sandbox.tokensIssued.at(-1)).toMatchObject({
      objectId: workflow.objectId,
      grant: 'azure_cli',
      audience: 'https://redis.azure.com/'
    })
  })

  it('works as the credential of an SDK client through @azure/identity AzureCliCredential', async () => {
    const workflow = sandbox.addWorkflowIdentity()
    sandbox.setAzCliLogin(workflow.objectId)
    sandbox.addContainerApp('rg', 'web')
    const credential = new AzureCliCredential({ tenantId: sandbox.tenantId })
    const token = await credential.getToken(ARM_SCOPE)
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now())
    const client = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    await expect(client.containerApps.get('rg', 'web')).resolves.toMatchObject({ name: 'web' })
    expect(sandbox.tokensIssued.at(-1)).toMatchObject({
      objectId: workflow.objectId,
      grant: 'azure_cli',
      scope: ARM_SCOPE
    })
  })
})
