import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import type { ContainerApp, Revision, UserAssignedIdentity } from '@azure/arm-appcontainers'
import type { Sandbox } from '../../sandbox/index.ts'
import { modularOptions, sleep, workflowCredential } from './helpers.ts'
import { workloadWithSecrets } from './workload-fixture.ts'
import { containerAppsClient, startWorkflowSandbox } from './workflow-sandbox.ts'

const fast = { updateIntervalInMs: 10 }

describe('sandbox Microsoft.App/containerApps', () => {
  let sandbox: Sandbox
  let client: ContainerAppsAPIClient
  let n = 0
  let app = ''
  const rg = 'rg-apps'

  beforeAll(async () => {
    ;({ sandbox, client } = await startWorkflowSandbox(containerAppsClient))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })
  beforeEach(() => {
    sandbox.setLatency({ appUpdateMs: 0, identityUpdateMs: 0, revisionReadyMs: 0 })
    app = `app-${++n}`
    sandbox.addContainerApp(rg, app, workloadWithSecrets({ image: 'example.azurecr.io/web:1', mode: 'prod' }))
  })

  const revisions = async (name = app): Promise<Revision[]> => {
    const out: Revision[] = []
    for await (const r of client.containerAppsRevisions.listRevisions(rg, name)) out.push(r)
    return out
  }
  const patch = (envelope: Partial<ContainerApp>, name = app) =>
    client.containerApps.update(rg, name, { location: 'East US', ...envelope } as ContainerApp, fast)

  it('GET hides secret values; listSecrets returns them', async () => {
    const got = await client.containerApps.get(rg, app)
    expect(got.configuration?.secrets).toEqual([
      { name: 'db-pass' },
      { name: 'kv-secret', keyVaultUrl: 'https://kv.vault.azure.net/secrets/x', identity: 'system' }
    ])
    const secrets = await client.containerApps.listSecrets(rg, app)
    expect(secrets.value).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'db-pass', value: 's3cret' })])
    )
    expect(got.latestRevisionName).toBe(got.latestReadyRevisionName)
    expect(got.provisioningState).toBe('Succeeded')
  })

  it('GET answers as Azure does: unset properties null, no secrets as null, revisionSuffix ""', async () => {
    const name = `${app}-bare`
    sandbox.addContainerApp(rg, name, { containers: [{ name: 'web' }] })
    const got = await client.containerApps.get(rg, name)
    expect(got.configuration?.secrets).toBeNull()
    expect(got.configuration?.registries).toBeNull()
    expect(got.configuration?.dapr).toBeNull()
    expect(got.configuration?.ingress?.customDomains).toBeNull()
    expect(got.configuration?.ingress?.ipSecurityRestrictions).toBeNull()
    expect(got.template?.revisionSuffix).toBe('')
    expect(got.template?.initContainers).toBeNull()
    expect(got.template?.volumes).toBeNull()
    expect(got.template?.scale?.rules).toBeNull()
    // …while the sandbox's own view (the truth) keeps what was written
    expect(sandbox.getContainerApp(rg, name).properties.configuration.secrets).toEqual([])
  })

  it('a write that sends back the GET\'s revisionSuffix "" is refused as an invalid suffix', async () => {
    await expect(
      patch({ template: { containers: [{ name: 'web', image: 'x:2' }], revisionSuffix: '' } })
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'ContainerAppInvalidRevisionSuffix'
    })
  })

  it('PUT of the GET payload without secret values fails with ContainerAppSecretInvalid; with values it succeeds', async () => {
    const got = await client.containerApps.get(rg, app)
    await expect(client.containerApps.createOrUpdate(rg, app, got, fast)).rejects.toMatchObject({
      statusCode: 400,
      code: 'ContainerAppSecretInvalid',
      message:
        "Container app secret(s) with name(s) 'db-pass' are invalid: value or keyVaultUrl and identity should be provided."
    })
    const { value } = await client.containerApps.listSecrets(rg, app)
    got.configuration!.secrets = value
    // GET answers `revisionSuffix: ""`; a client must not send it back (SPEC: refused as an invalid suffix).
    delete got.template?.revisionSuffix
    const put = await client.containerApps.createOrUpdate(rg, app, got, fast)
    expect(put.provisioningState).toBe('Succeeded')
    const log = sandbox.requestLog.filter(e => e.operation === 'containerApps.createOrUpdate')
    expect(log.map(e => e.status)).toEqual([400, 201])
    expect(sandbox.getContainerApp(rg, app).properties.configuration.secrets?.[0]).toEqual({
      name: 'db-pass',
      value: 's3cret'
    })
  })

  it('PATCH is a JSON merge patch: objects merge, arrays are replaced whole, secrets and registries are kept', async () => {
    const before = await client.containerApps.get(rg, app)
    const main = before.template!.containers![0]
    const updated = await patch({
      template: { containers: [{ ...main, env: [{ name: 'REDIS_HOST', value: 'cache.example' }] }] }
    })
    expect(updated.template?.containers).toHaveLength(1)
    expect(updated.template?.containers?.[0].env).toEqual([{ name: 'REDIS_HOST', value: 'cache.example' }])
    expect(updated.configuration?.registries).toEqual(before.configuration?.registries)
    expect(sandbox.getContainerApp(rg, app).properties.configuration.secrets).toHaveLength(2)
    expect(updated.configuration?.ingress?.external).toBe(true)
    const patchLog = sandbox.requestLog.find(
      e => e.operation === 'containerApps.update' && e.path.endsWith(`/containerApps/${app}`)
    )
    expect(patchLog?.status).toBe(202)
  })

  /** How a GET spells a user-assigned identity key: `resourcegroups` in lower case (azd recording). */
  const answered = (id: string) => id.replace('/resourceGroups/', '/resourcegroups/')
  /** A user-assigned identity set to null: the SDK's type has no null, its serializer sends it as it is. */
  const removal = (): UserAssignedIdentity => JSON.parse('null')

  it('an identity-only PATCH makes no revision; a system identity is a new principal; identities merge as ARM does', async () => {
    const uami = sandbox.addUserAssignedIdentity(rg, `${app}-id`)
    const other = sandbox.addUserAssignedIdentity(rg, `${app}-other`)
    const before = await revisions()
    const withBoth = await patch({
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    expect(withBoth.identity?.type).toBe('SystemAssigned,UserAssigned')
    expect(withBoth.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/)
    expect(withBoth.identity?.userAssignedIdentities).toEqual({
      [answered(uami.id)]: { principalId: uami.principalId, clientId: uami.clientId }
    })
    expect(await revisions()).toHaveLength(before.length)

    // a key left out is kept; the same identity in another spelling is not a second key
    const added = await patch({
      identity: {
        type: 'SystemAssigned,UserAssigned',
        userAssignedIdentities: { [other.id]: {}, [answered(uami.id)]: {} }
      }
    })
    expect(Object.keys(added.identity?.userAssignedIdentities ?? {}).sort()).toEqual(
      [answered(uami.id), answered(other.id)].sort()
    )
    // a key set to null is removed, whatever its spelling; the others stay
    const removed = await patch({
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: removal() } }
    })
    expect(Object.keys(removed.identity?.userAssignedIdentities ?? {})).toEqual([answered(other.id)])
    expect(removed.identity?.principalId).toBe(withBoth.identity?.principalId)

    // the type decides: SystemAssigned alone drops every user-assigned identity
    const systemOnly = await patch({ identity: { type: 'SystemAssigned' } })
    expect(systemOnly.identity?.userAssignedIdentities).toBeUndefined()
    expect(systemOnly.identity?.principalId).toBe(withBoth.identity?.principalId)
    const none = await patch({ identity: { type: 'None' } })
    expect(none.identity).toEqual({ type: 'None' })
    const again = await patch({ identity: { type: 'SystemAssigned' } })
    expect(again.identity?.principalId).not.toBe(withBoth.identity?.principalId)
  })

  it('refuses identity blocks ARM refuses: user identities with a type without them, bad values, one identity twice, none left', async () => {
    const uami = sandbox.addUserAssignedIdentity(rg, `${app}-id`)
    await expect(
      patch({ identity: { type: 'SystemAssigned', userAssignedIdentities: { [uami.id]: {} } } })
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining(
        'a non-UserAssigned identity type should not contain: userAssignedIdentities'
      )
    })
    const badValue: UserAssignedIdentity = JSON.parse('{"principalId":null,"clientId":null}')
    await expect(
      patch({ identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: badValue } } })
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidIdentityValues' })
    await expect(
      patch({
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {}, [answered(uami.id)]: {} } }
      })
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidIdentityValues' })
    await patch({ identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } } })
    await expect(
      patch({ identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: removal() } } })
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidIdentityValues' })
    expect(sandbox.getContainerApp(rg, app).identity.type).toBe('UserAssigned')
  })

  it('attaching a UAMI needs assign/action on it (403 LinkedAuthorizationFailed)', async () => {
    const uami = sandbox.addUserAssignedIdentity('rg-ids', `${app}-id`)
    const limited = sandbox.addWorkflowIdentity({
      roles: [
        {
          role: 'Container Apps Contributor',
          scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${rg}`
        }
      ]
    })
    const limitedClient = new ContainerAppsAPIClient(
      workflowCredential(sandbox, limited.clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(
      limitedClient.containerApps.update(
        rg,
        app,
        {
          location: 'East US',
          identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
        },
        fast
      )
    ).rejects.toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' })
  })

  it('a template PATCH makes exactly one new revision, which becomes ready and takes the traffic (Single mode)', async () => {
    sandbox.setLatency({ revisionReadyMs: 300 })
    const [first] = await revisions()
    const got = await client.containerApps.get(rg, app)
    const containers = got.template!.containers!.map(c =>
      c.name === 'main' ? { ...c, image: 'example.azurecr.io/web:2' } : c
    )
    const updated = await patch({ template: { containers, revisionSuffix: null as unknown as string } })
    const list = await revisions()
    expect(list).toHaveLength(2)
    const newest = list[1]
    expect(newest.name).toMatch(new RegExp(`^${app}--[a-z][a-z0-9]{6}$`))
    expect(updated.latestRevisionName).toBe(newest.name)
    expect(updated.latestReadyRevisionName).toBe(first.name)
    expect(newest.provisioningState).toBe('Provisioning')
    await sleep(350)
    const ready = await client.containerAppsRevisions.getRevision(rg, app, newest.name!)
    // The seed has Azure's default scale (0–10 replicas): a good revision ends scaled to zero.
    expect(ready).toMatchObject({
      provisioningState: 'Provisioned',
      runningState: 'ScaledToZero',
      healthState: 'Healthy',
      replicas: 0,
      active: true,
      trafficWeight: 100
    })
    const old = await client.containerAppsRevisions.getRevision(rg, app, first.name!)
    expect(old).toMatchObject({ active: false, trafficWeight: 0 })
    expect((await client.containerApps.get(rg, app)).latestReadyRevisionName).toBe(newest.name)
  })

  /** The revision a template PATCH makes, read as it is `afterMs` after the PATCH, with runningStateDetails. */
  const newRevisionAfter = async (
    afterMs: number,
    image = 'example.azurecr.io/web:2'
  ): Promise<{ revision: Revision; details?: string }> => {
    const updated = await patch({ template: { containers: [{ name: 'main', image }] } })
    await sleep(afterMs)
    let details: string | undefined
    const revision = await client.containerAppsRevisions.getRevision(rg, app, updated.latestRevisionName!, {
      // The SDK's Revision model has no runningStateDetails; the body has it.
      onResponse: r => {
        details = (r.parsedBody as { properties?: { runningStateDetails?: string } })?.properties
          ?.runningStateDetails
      }
    })
    return { revision, details }
  }

  it('a revision goes Processing → Activating (health None) → its running state, which follows the scale', async () => {
    sandbox.setLatency({ revisionReadyMs: 3000 })
    const scaled = async (scale: object) =>
      patch({ template: { containers: [{ name: 'main', image: 'example.azurecr.io/web:1' }], scale } })
    const updated = await scaled({ minReplicas: 1, maxReplicas: 10 })
    const name = updated.latestRevisionName!
    const read = () => client.containerAppsRevisions.getRevision(rg, app, name)
    // Provisioning for the first half of revisionReadyMs, activating for the second, then ready.
    const createdAt = (await read()).createdTime!.getTime()
    const at = (ms: number) => sleep(Math.max(0, createdAt + ms - Date.now()))
    await at(500)
    expect(await read()).toMatchObject({
      provisioningState: 'Provisioning',
      runningState: 'Processing',
      healthState: 'None'
    })
    await at(2000)
    expect(await read()).toMatchObject({
      provisioningState: 'Provisioned',
      runningState: 'Activating',
      healthState: 'None',
      replicas: 0,
      active: true
    })
    expect((await client.containerApps.get(rg, app)).latestReadyRevisionName).not.toBe(name)
    await at(3100)
    expect(await read()).toMatchObject({
      provisioningState: 'Provisioned',
      runningState: 'Running',
      healthState: 'Healthy',
      replicas: 1
    })
    expect((await client.containerApps.get(rg, app)).latestReadyRevisionName).toBe(name)

    sandbox.setLatency({ revisionReadyMs: 0 })
    await scaled({ minReplicas: 2, maxReplicas: 2 })
    expect((await revisions()).at(-1)).toMatchObject({
      runningState: 'RunningAtMaxScale',
      healthState: 'Healthy',
      replicas: 2
    })
  })

  it.each([
    ['Degraded', 'Unhealthy', true, 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    ['ActivationFailed', 'Unhealthy', true, 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    [
      'Failed',
      'Unhealthy',
      true,
      "Container 'main' was terminated with exit code '1' and reason 'ProcessExited'"
    ],
    ['Stopped', 'Healthy', false, undefined]
  ] as const)(
    'a revision can end %s while the update itself succeeds; the old one keeps serving',
    async (runningState, healthState, active, details) => {
      sandbox.setLatency({ revisionReadyMs: 100 })
      const [first] = await revisions()
      sandbox.endRevisions(rg, app, { runningState })
      const ended = await newRevisionAfter(150, 'example.azurecr.io/web:crashes')
      expect(ended.revision).toMatchObject({
        provisioningState: 'Provisioned',
        runningState,
        healthState,
        active
      })
      expect(ended.details).toBe(details)
      const got = await client.containerApps.get(rg, app)
      expect(got.provisioningState).toBe('Succeeded')
      expect(got.latestRevisionName).toBe(ended.revision.name)
      expect(got.latestReadyRevisionName).toBe(first.name)
      expect(await client.containerAppsRevisions.getRevision(rg, app, first.name!)).toMatchObject({
        active: true,
        trafficWeight: 100
      })
    }
  )

  it('a failing revision fails the update, stays unready and keeps the old one serving', async () => {
    sandbox.failRevisions(rg, app, { reason: 'Container crashed: exit code 1' })
    const [first] = await revisions()
    await expect(
      patch({ template: { containers: [{ name: 'main', image: 'example.azurecr.io/web:broken' }] } })
    ).rejects.toThrow(
      /ContainerAppOperationError\. Failed to provision revision for container app '[^']+'\. Error details: Container crashed/
    )
    const list = await revisions()
    expect(list).toHaveLength(2)
    expect(list[1]).toMatchObject({
      provisioningState: 'Failed',
      healthState: 'Unhealthy',
      provisioningError: 'Container crashed: exit code 1'
    })
    const got = await client.containerApps.get(rg, app)
    expect(got.latestReadyRevisionName).toBe(first.name)
    expect(got.latestRevisionName).toBe(list[1].name)
    expect(got.provisioningState).toBe('Failed')
  })

  it('a revision suffix that exists already is rejected; revisionSuffix null lets the service pick one', async () => {
    await patch({
      template: { revisionSuffix: 'v2', containers: [{ name: 'main', image: 'example.azurecr.io/web:2' }] }
    })
    expect((await revisions()).map(r => r.name)).toContain(`${app}--v2`)
    // the stored template keeps revisionSuffix 'v2', so a template change that does not clear it collides
    await expect(
      patch({ template: { containers: [{ name: 'main', image: 'example.azurecr.io/web:3' }] } })
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'ContainerAppInvalidRevisionSuffix',
      message: expect.stringContaining(
        "Field 'template.revisionsuffix' is invalid with details: 'Invalid value: revision with suffix already exists."
      )
    })
    await patch({
      template: {
        revisionSuffix: null as unknown as string,
        containers: [{ name: 'main', image: 'example.azurecr.io/web:3' }]
      }
    })
    expect(await revisions()).toHaveLength(3)
  })

  it('an env entry with an empty value comes back without `value`', async () => {
    await patch({
      template: {
        containers: [{ name: 'main', image: 'example.azurecr.io/web:1', env: [{ name: 'EMPTY', value: '' }] }]
      }
    })
    const got = await client.containerApps.get(rg, app)
    expect(got.template?.containers?.[0].env).toEqual([{ name: 'EMPTY' }])
    const [, latest] = await revisions()
    expect(latest.template?.containers?.[0].env).toEqual([{ name: 'EMPTY' }])
  })

  it('a write while an update runs gets 409; the app shows InProgress meanwhile', async () => {
    sandbox.setLatency({ appUpdateMs: 400 })
    const first = patch({ template: { containers: [{ name: 'main', image: 'example.azurecr.io/web:9' }] } })
    await first.submitted()
    expect((await client.containerApps.get(rg, app)).provisioningState).toBe('InProgress')
    await expect(patch({ tags: { x: 'y' } })).rejects.toMatchObject({
      statusCode: 409,
      code: 'ContainerAppOperationInProgress'
    })
    await expect(first).resolves.toMatchObject({ provisioningState: 'Succeeded' })
  })

  it('Multiple revision mode keeps configuration.ingress.traffic as is', async () => {
    const name = `${app}-multi`
    sandbox.addContainerApp(rg, name, {
      activeRevisionsMode: 'Multiple',
      ingress: { external: true, targetPort: 80, traffic: [] }
    })
    const [first] = await revisions(name)
    await patch(
      {
        configuration: {
          activeRevisionsMode: 'Multiple',
          ingress: { traffic: [{ revisionName: first.name, weight: 100 }] }
        }
      },
      name
    )
    await patch({ template: { containers: [{ name: 'main', image: 'example.azurecr.io/web:2' }] } }, name)
    const list = await revisions(name)
    expect(list.map(r => [r.active, r.trafficWeight])).toEqual([
      [true, 100],
      [true, 0]
    ])
  })
})
