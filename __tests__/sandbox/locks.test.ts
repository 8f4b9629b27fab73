// Management locks on resource groups (Learn "Lock your resources to protect your infrastructure"), through the
// official SDK clients: ReadOnly refuses every write with 409 ScopeLocked, CanNotDelete refuses deletes, reads go on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { RedisManagementClient } from '@azure/arm-rediscache'
import { createResourceManagement } from '@azure/arm-resources/api'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { hlcOptions, modularOptions, workflowCredential } from './helpers.ts'

const fast = { updateIntervalInMs: 10 }

describe('sandbox management locks', () => {
  let sandbox: Sandbox
  let apps: ContainerAppsAPIClient
  let redis: RedisManagementClient
  let resources: ReturnType<typeof createResourceManagement>

  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    const { clientId } = sandbox.addWorkflowIdentity()
    const credential = workflowCredential(sandbox, clientId)
    apps = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    redis = new RedisManagementClient(credential, sandbox.subscriptionId, hlcOptions(sandbox))
    resources = createResourceManagement(credential, sandbox.subscriptionId, modularOptions(sandbox))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('ReadOnly: a PATCH gets 409 ScopeLocked naming the locked scope; GET still works; lifting it lets the write through', async () => {
    sandbox.addContainerApp('rg-frozen', 'web')
    const lockId = sandbox.addLock('rg-frozen', 'freeze', 'ReadOnly', { notes: 'change freeze' })
    const scope = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/rg-frozen`
    await expect(
      apps.containerApps.update(
        'rg-frozen',
        'web',
        { location: 'East US', identity: { type: 'SystemAssigned' } },
        fast
      )
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'ScopeLocked',
      message: `The scope '${scope}/providers/Microsoft.App/containerApps/web' cannot perform write operation because following scope(s) are locked: '${scope}'. Please remove the lock and try again.`
    })
    await expect(apps.containerApps.get('rg-frozen', 'web')).resolves.toMatchObject({ name: 'web' })
    // POST is a write for locks too (listSecrets)
    await expect(apps.containerApps.listSecrets('rg-frozen', 'web')).rejects.toMatchObject({
      statusCode: 409
    })

    const listed = await resources
      .path(`${scope}/providers/Microsoft.Authorization/locks`)
      .get({ queryParameters: { 'api-version': '2016-09-01' } })
    expect(listed.status).toBe('200')
    expect(listed.body).toEqual({
      value: [
        {
          id: lockId,
          type: 'Microsoft.Authorization/locks',
          name: 'freeze',
          properties: { level: 'ReadOnly', notes: 'change freeze', owners: null }
        }
      ]
    })

    sandbox.removeLock('rg-frozen', 'freeze')
    await expect(
      apps.containerApps.update(
        'rg-frozen',
        'web',
        { location: 'East US', identity: { type: 'SystemAssigned' } },
        fast
      )
    ).resolves.toMatchObject({ name: 'web' })
  })

  it('CanNotDelete: writes go through, a DELETE gets 409 ScopeLocked (delete operation)', async () => {
    sandbox.addRedisCache('rg-kept', 'kept-cache')
    sandbox.addLock('rg-kept', 'keep', 'CanNotDelete')
    const oid = sandbox.addUserAssignedIdentity('rg-kept', 'id-1').principalId
    await expect(
      redis.accessPolicyAssignment.beginCreateUpdateAndWait(
        'rg-kept',
        'kept-cache',
        'one',
        { accessPolicyName: 'Data Reader', objectId: oid, objectIdAlias: 'a' },
        fast
      )
    ).resolves.toMatchObject({ provisioningState: 'Succeeded' })
    await expect(
      redis.accessPolicyAssignment.beginDeleteAndWait('rg-kept', 'kept-cache', 'one', fast)
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'ScopeLocked',
      message: expect.stringContaining(
        'cannot perform delete operation because following scope(s) are locked'
      )
    })
    expect(sandbox.listAssignments('rg-kept', 'kept-cache').map(a => a.name)).toEqual(['one'])
  })
})
