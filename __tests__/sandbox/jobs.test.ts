import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import type { JobConfiguration, JobPatchProperties, UserAssignedIdentity } from '@azure/arm-appcontainers'
import type { Sandbox } from '../../sandbox/index.ts'
import { modularOptions, workflowCredential } from './helpers.ts'
import { workloadWithSecrets } from './workload-fixture.ts'
import { containerAppsClient, startWorkflowSandbox } from './workflow-sandbox.ts'

const fast = { updateIntervalInMs: 10 }
const rg = 'rg-jobs'

describe('sandbox Microsoft.App/jobs', () => {
  let sandbox: Sandbox
  let client: ContainerAppsAPIClient
  let n = 0
  let job = ''

  beforeAll(async () => {
    ;({ sandbox, client } = await startWorkflowSandbox(containerAppsClient))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })
  beforeEach(() => {
    sandbox.setLatency({ appUpdateMs: 0, identityUpdateMs: 0 })
    sandbox.clearLog()
    job = `job-${++n}`
    sandbox.addContainerAppJob(rg, job, {
      triggerType: 'Manual',
      ...workloadWithSecrets({ image: 'example.azurecr.io/task:1', mode: 'batch' })
    })
  })

  const patch = (envelope: JobPatchProperties, name = job) => client.jobs.update(rg, name, envelope, fast)

  it('GET hides secret values; listSecrets returns them; a Manual job with its template and no revisions', async () => {
    const got = await client.jobs.get(rg, job)
    expect(got).toMatchObject({
      name: job,
      type: 'Microsoft.App/jobs',
      provisioningState: 'Succeeded',
      configuration: { triggerType: 'Manual', replicaTimeout: 1800 }
    })
    expect(got.configuration?.secrets).toEqual([
      { name: 'db-pass' },
      { name: 'kv-secret', keyVaultUrl: 'https://kv.vault.azure.net/secrets/x', identity: 'system' }
    ])
    expect(got.template?.containers?.map(c => c.name)).toEqual(['main', 'sidecar'])
    const secrets = await client.jobs.listSecrets(rg, job)
    expect(secrets.value).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'db-pass', value: 's3cret' })])
    )
    expect(sandbox.getContainerAppJob(rg, job).properties.configuration.secrets?.[0]).toEqual({
      name: 'db-pass',
      value: 's3cret'
    })
    const arm = sandbox.requestLog.filter(e => e.service === 'arm')
    expect(arm.map(e => [e.operation, e.status])).toEqual([
      ['jobs.get', 200],
      ['jobs.listSecrets', 200]
    ])
  })

  it('PATCH takes the NOT flattened body as a JSON merge patch (202 + Location LRO): arrays replaced whole, secrets and registries kept', async () => {
    const before = await client.jobs.get(rg, job)
    const main = before.template!.containers![0]
    const updated = await patch({
      properties: {
        template: { containers: [{ ...main, env: [...main.env!, { name: 'REDIS_HOST', value: 'cache' }] }] }
      }
    })
    expect(updated.template?.containers).toHaveLength(1)
    expect(updated.template?.containers?.[0].env).toEqual([
      { name: 'MODE', value: 'batch' },
      { name: 'DB_PASS', secretRef: 'db-pass' },
      { name: 'REDIS_HOST', value: 'cache' }
    ])
    expect(updated.configuration?.registries).toEqual(before.configuration?.registries)
    expect(updated.configuration?.triggerType).toBe('Manual')
    expect(sandbox.getContainerAppJob(rg, job).properties.configuration.secrets).toHaveLength(2)
    const entry = sandbox.requestLog.find(e => e.operation === 'jobs.update')
    expect(entry?.status).toBe(202)
    expect(entry?.body).toEqual({ properties: { template: expect.any(Object) } })
    expect(sandbox.requestLog.map(e => e.operation)).toContain('lro.status')
  })

  it('PATCH with configuration.secrets lacking values is refused (ContainerAppSecretInvalid); with values it succeeds', async () => {
    const got = await client.jobs.get(rg, job)
    const configuration = { secrets: got.configuration!.secrets } as JobConfiguration
    await expect(patch({ properties: { configuration } })).rejects.toMatchObject({
      statusCode: 400,
      code: 'ContainerAppSecretInvalid'
    })
    const { value } = await client.jobs.listSecrets(rg, job)
    const withValues = value.map(x => (x.name === 'db-pass' ? { ...x, value: 'rotated' } : x))
    await patch({ properties: { configuration: { secrets: withValues } as JobConfiguration } })
    expect(sandbox.getContainerAppJob(rg, job).properties.configuration.secrets?.[0]).toEqual({
      name: 'db-pass',
      value: 'rotated'
    })
  })

  it('identity: a system identity is a new principal; identities merge as ARM does; UAMIs show principalId/clientId', async () => {
    const uami = sandbox.addUserAssignedIdentity(rg, `${job}-id`)
    const other = sandbox.addUserAssignedIdentity(rg, `${job}-other`)
    const answered = (id: string) => id.replace('/resourceGroups/', '/resourcegroups/')
    const withBoth = await patch({
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    expect(withBoth.identity?.type).toBe('SystemAssigned,UserAssigned')
    expect(withBoth.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/)
    expect(withBoth.identity?.userAssignedIdentities).toEqual({
      [answered(uami.id)]: { principalId: uami.principalId, clientId: uami.clientId }
    })
    const added = await patch({
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [other.id]: {} } }
    })
    expect(Object.keys(added.identity?.userAssignedIdentities ?? {}).sort()).toEqual(
      [answered(uami.id), answered(other.id)].sort()
    )
    const removal: UserAssignedIdentity = JSON.parse('null')
    const removed = await patch({
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: removal } }
    })
    expect(Object.keys(removed.identity?.userAssignedIdentities ?? {})).toEqual([answered(other.id)])
    const systemOnly = await patch({ identity: { type: 'SystemAssigned' } })
    expect(systemOnly.identity?.userAssignedIdentities).toBeUndefined()
    expect(systemOnly.identity?.principalId).toBe(withBoth.identity?.principalId)
    expect((await patch({ identity: { type: 'None' } })).identity).toEqual({ type: 'None' })
    const again = await patch({ identity: { type: 'SystemAssigned' } })
    expect(again.identity?.principalId).not.toBe(withBoth.identity?.principalId)
    // a tags-only PATCH keeps the identity
    const tagged = await patch({ tags: { team: 'x' } })
    expect(tagged.identity?.principalId).toBe(again.identity?.principalId)
    expect(tagged.tags).toEqual({ team: 'x' })
  })

  it('attaching a UAMI needs assign/action on it (403 LinkedAuthorizationFailed); jobs/write is checked first', async () => {
    const uami = sandbox.addUserAssignedIdentity('rg-ids', `${job}-id`)
    const scopedTo = (scope: string) => {
      const p = sandbox.addWorkflowIdentity({ roles: [{ role: 'Contributor', scope }] })
      return new ContainerAppsAPIClient(
        workflowCredential(sandbox, p.clientId),
        sandbox.subscriptionId,
        modularOptions(sandbox)
      )
    }
    const rgScope = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${rg}`
    const identity = { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    await expect(scopedTo(rgScope).jobs.update(rg, job, { identity }, fast)).rejects.toMatchObject({
      statusCode: 403,
      code: 'LinkedAuthorizationFailed',
      message: expect.stringContaining("permission to perform action 'Microsoft.App/jobs/write'")
    })
    const reader = sandbox.addWorkflowIdentity({ roles: [{ role: 'Reader', scope: rgScope }] })
    const readerClient = new ContainerAppsAPIClient(
      workflowCredential(sandbox, reader.clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(readerClient.jobs.get(rg, job)).resolves.toMatchObject({ name: job })
    await expect(readerClient.jobs.update(rg, job, { tags: {} }, fast)).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining("action 'Microsoft.App/jobs/write'")
    })
    await expect(readerClient.jobs.listSecrets(rg, job)).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining("action 'Microsoft.App/jobs/listSecrets/action'")
    })
  })

  it('a write while an update runs gets 409; the job shows InProgress meanwhile', async () => {
    sandbox.setLatency({ appUpdateMs: 400 })
    const first = patch({
      properties: { template: { containers: [{ name: 'main', image: 'example.azurecr.io/task:2' }] } }
    })
    await first.submitted()
    expect((await client.jobs.get(rg, job)).provisioningState).toBe('InProgress')
    await expect(patch({ tags: { x: 'y' } })).rejects.toMatchObject({
      statusCode: 409,
      code: 'ContainerAppOperationInProgress'
    })
    await expect(first).resolves.toMatchObject({ provisioningState: 'Succeeded' })
    expect(sandbox.getContainerAppJob(rg, job).properties.template.containers?.[0].image).toBe(
      'example.azurecr.io/task:2'
    )
  })

  it('a job is not an app: unknown to the containerApps routes (404), no health URL; unknown jobs are 404 ResourceNotFound', async () => {
    await expect(client.containerApps.get(rg, job)).rejects.toMatchObject({ statusCode: 404 })
    expect(() => sandbox.healthUrl(rg, job)).toThrow(/jobs have no ingress/)
    await expect(client.jobs.get(rg, 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message: expect.stringContaining("'Microsoft.App/jobs/nope'")
    })
  })
})
