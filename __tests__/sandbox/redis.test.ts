import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import type { ContainerApp } from '@azure/arm-appcontainers'
import { RedisManagementClient } from '@azure/arm-rediscache'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { entraRedisClient, redisToken } from './entra-redis-client.ts'
import { hlcOptions, modularOptions, raw, sleep, workflowCredential } from './helpers.ts'
import { startWorkflowSandbox } from './workflow-sandbox.ts'

const fast = { updateIntervalInMs: 10 }
const rg = 'rg-cache'

describe('sandbox Microsoft.Cache/redis, access policies and assignments', () => {
  let sandbox: Sandbox
  let client: RedisManagementClient
  let n = 0
  let cache = ''

  beforeAll(async () => {
    ;({ sandbox, client } = await startWorkflowSandbox(
      (credential, subscriptionId, started) =>
        new RedisManagementClient(credential, subscriptionId, hlcOptions(started))
    ))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })
  beforeEach(() => {
    sandbox.setLatency({ assignmentMs: 0, cacheUpdateMs: 0 })
    sandbox.setPrincipalReplicationDelay(0)
    cache = `cache-${++n}`
    sandbox.addRedisCache(rg, cache, { customPolicies: { 'Read Foo': '+get ~foo*' } })
  })

  const principal = (): string =>
    sandbox.addUserAssignedIdentity('rg-ids', `id-${n}-${Math.random().toString(36).slice(2, 8)}`).principalId
  const assign = (name: string, objectId: string, accessPolicyName = 'Data Owner') =>
    client.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      cache,
      name,
      { accessPolicyName, objectId, objectIdAlias: 'app' },
      fast
    )

  it('GET: hostName, ports, aad-enabled, provisioningState (no data plane: the real host name and 6380)', async () => {
    const got = await client.redis.get(rg, cache)
    expect(got).toMatchObject({
      hostName: `${cache}.redis.cache.windows.net`,
      port: 6379,
      sslPort: 6380,
      enableNonSslPort: false,
      provisioningState: 'Succeeded'
    })
    expect(got.redisConfiguration?.aadEnabled).toBe('true')
  })

  it('PATCH enabling Entra goes through ConfiguringAAD (202 + Location), then Succeeded', async () => {
    sandbox.addRedisCache(rg, `${cache}-off`, { aadEnabled: false })
    sandbox.setLatency({ cacheUpdateMs: 200 })
    const poller = await client.redis.beginUpdate(
      rg,
      `${cache}-off`,
      { redisConfiguration: { aadEnabled: 'true' } },
      fast
    )
    expect(sandbox.getCache(rg, `${cache}-off`).properties.provisioningState).toBe('ConfiguringAAD')
    const done = await poller.pollUntilDone()
    expect(done.provisioningState).toBe('Succeeded')
    expect(done.redisConfiguration?.aadEnabled).toBe('true')
    const update = sandbox.requestLog.find(e => e.operation === 'redis.update')
    expect(update?.status).toBe(202)
  })

  it('the Entra toggle can report done while the cache is still ConfiguringAAD (entraConfigureMs): busy until it ends', async () => {
    const name = `${cache}-slow`
    sandbox.addRedisCache(rg, name, { aadEnabled: false })
    sandbox.setLatency({ cacheUpdateMs: 50, entraConfigureMs: 3000 })
    const done = await client.redis.beginUpdateAndWait(
      rg,
      name,
      { redisConfiguration: { aadEnabled: 'true' } },
      fast
    )
    expect(done.redisConfiguration?.aadEnabled).toBe('true')
    expect(done.provisioningState).toBe('ConfiguringAAD')
    expect((await client.redis.get(rg, name)).provisioningState).toBe('ConfiguringAAD')
    await expect(
      client.accessPolicyAssignment.beginCreateUpdateAndWait(
        rg,
        name,
        'early',
        { accessPolicyName: 'Data Owner', objectId: principal(), objectIdAlias: 'a' },
        fast
      )
    ).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' })
    const states: string[] = []
    for (let i = 0; i < 200 && states.at(-1) !== 'Succeeded'; i++) {
      states.push((await client.redis.get(rg, name)).provisioningState ?? '')
      await sleep(50)
    }
    expect(states.at(-1)).toBe('Succeeded')
    expect(new Set(states)).toEqual(new Set(['ConfiguringAAD', 'Succeeded']))
    sandbox.setLatency({ entraConfigureMs: 0 })
    await client.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      name,
      'later',
      { accessPolicyName: 'Data Owner', objectId: principal(), objectIdAlias: 'a' },
      fast
    )
  })

  it("PATCH combining the Entra toggle with another change is refused (can't be processed in one single request)", async () => {
    sandbox.addRedisCache(rg, `${cache}-off`, { aadEnabled: false })
    await expect(
      client.redis.beginUpdateAndWait(
        rg,
        `${cache}-off`,
        { redisConfiguration: { aadEnabled: 'true' }, sku: { name: 'Standard', family: 'C', capacity: 2 } },
        fast
      )
    ).rejects.toMatchObject({
      statusCode: 400,
      message:
        "The following updates can't be processed in one single request, please send separate request to update them: 'properties.sku.capacity,properties.aadEnableDisable'"
    })
  })

  it('access policies: the three built-ins and custom ones', async () => {
    const policies = []
    for await (const p of client.accessPolicy.list(rg, cache)) policies.push(p)
    expect(policies.map(p => [p.name, p.typePropertiesType, p.permissions])).toEqual([
      ['Data Owner', 'BuiltIn', '+@all allkeys'],
      [
        'Data Contributor',
        'BuiltIn',
        '+@all -@dangerous +cluster|info +cluster|nodes +cluster|slots allkeys'
      ],
      ['Data Reader', 'BuiltIn', '+@read +@connection +cluster|info +cluster|nodes +cluster|slots allkeys'],
      ['Read Foo', 'Custom', '+get ~foo*']
    ])
    expect(await client.accessPolicy.get(rg, cache, 'Data Reader')).toMatchObject({
      provisioningState: 'Succeeded'
    })
  })

  it('assignments: create and update (201 + Azure-AsyncOperation + Location, Updating → Succeeded), get, paged list, delete via the SDK pollers', async () => {
    sandbox.setLatency({ assignmentMs: 300 })
    sandbox.clearLog()
    const oids = [principal(), principal(), principal()]
    const answers: { status: number; headers: Record<string, string> }[] = []
    const poller = await client.accessPolicyAssignment.beginCreateUpdate(
      rg,
      cache,
      'first',
      { accessPolicyName: 'Data Owner', objectId: oids[0], objectIdAlias: 'app' },
      { ...fast, onResponse: r => answers.push({ status: r.status, headers: r.headers.toJSON() }) }
    )
    expect(sandbox.listAssignments(rg, cache)[0].properties.provisioningState).toBe('Updating')
    const created = await poller.pollUntilDone()
    expect(created).toMatchObject({
      name: 'first',
      objectId: oids[0],
      accessPolicyName: 'Data Owner',
      provisioningState: 'Succeeded'
    })
    expect(answers[0].status).toBe(201)
    expect(answers[0].headers).toHaveProperty('azure-asyncoperation')
    expect(answers[0].headers).toHaveProperty('location')
    // The poller follows Azure-AsyncOperation (whose body leaves the other fields null), then reads the assignment.
    expect(sandbox.requestLog.filter(e => e.operation === 'lro.status').length).toBeGreaterThan(0)
    expect(sandbox.requestLog.at(-1)?.operation).toBe('accessPolicyAssignments.get')

    // A changed assignment is answered alike: 201 with both polling headers.
    answers.length = 0
    const updated = await client.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      cache,
      'first',
      { accessPolicyName: 'Data Reader', objectId: oids[0], objectIdAlias: 'app' },
      { ...fast, onResponse: r => answers.push({ status: r.status, headers: r.headers.toJSON() }) }
    )
    expect(updated).toMatchObject({ accessPolicyName: 'Data Reader', provisioningState: 'Succeeded' })
    expect(answers[0].status).toBe(201)
    expect(answers[0].headers).toHaveProperty('azure-asyncoperation')
    sandbox.setLatency({ assignmentMs: 0 })
    await assign('second', oids[1], 'Data Reader')
    await assign('third', oids[2], 'Read Foo')

    expect(await client.accessPolicyAssignment.get(rg, cache, 'second')).toMatchObject({
      objectId: oids[1],
      accessPolicyName: 'Data Reader'
    })
    sandbox.clearLog()
    const listed: RedisCacheAccessPolicyAssignment[] = []
    for await (const a of client.accessPolicyAssignment.list(rg, cache)) listed.push(a)
    expect(listed.map(a => a.name)).toEqual(['first', 'second', 'third'])
    expect(sandbox.requestLog.filter(e => e.operation === 'accessPolicyAssignments.list')).toHaveLength(2)

    await client.accessPolicyAssignment.beginDeleteAndWait(rg, cache, 'second', fast)
    await expect(client.accessPolicyAssignment.get(rg, cache, 'second')).rejects.toMatchObject({
      statusCode: 404
    })
    expect(sandbox.listAssignments(rg, cache).map(a => a.name)).toEqual(['first', 'third'])
    const del = sandbox.requestLog.find(e => e.operation === 'accessPolicyAssignments.delete')
    expect(del?.status).toBe(202)
  })

  it('a second assignment for the same objectId is refused as a duplicate', async () => {
    const oid = principal()
    await assign('one', oid)
    await expect(assign('two', oid, 'Data Reader')).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining(
        'An invalid access policy assignment was detected due to duplicate entries.'
      )
    })
  })

  it('assignment names are validated (InvalidResourceName)', async () => {
    for (const name of ['ab', 'has_underscore', '-leading', 'x'.repeat(64)]) {
      await expect(assign(name, principal())).rejects.toMatchObject({
        statusCode: 400,
        code: 'InvalidResourceName'
      })
    }
  })

  it('an unknown access policy is refused', async () => {
    await expect(assign('unknown-policy', principal(), 'Data Janitor')).rejects.toMatchObject({
      statusCode: 400
    })
  })

  it('assignments are refused while Entra authentication is disabled', async () => {
    sandbox.addRedisCache(rg, `${cache}-off`, { aadEnabled: false })
    await expect(
      client.accessPolicyAssignment.beginCreateUpdateAndWait(
        rg,
        `${cache}-off`,
        'app',
        { accessPolicyName: 'Data Owner', objectId: principal(), objectIdAlias: 'app' },
        fast
      )
    ).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('Microsoft Entra Authentication is not enabled')
    })
  })

  it('409 Conflict (busy) for any write on the cache while an assignment is in flight or after setCacheBusy', async () => {
    sandbox.setLatency({ assignmentMs: 300 })
    const inFlight = await client.accessPolicyAssignment.beginCreateUpdate(
      rg,
      cache,
      'slow',
      { accessPolicyName: 'Data Owner', objectId: principal(), objectIdAlias: 'a' },
      fast
    )
    const busy = expect.objectContaining({
      statusCode: 409,
      code: 'Conflict',
      message: expect.stringMatching(
        /^The resource '.*\/Microsoft\.Cache\/Redis\/cache-\d+' is busy processing a previous update request or is undergoing system maintenance\. As such, it is currently unable to accept the update request\. Please try again later\.$/
      )
    })
    await expect(assign('other', principal())).rejects.toEqual(busy)
    await expect(
      client.redis.beginUpdateAndWait(rg, cache, { redisConfiguration: { maxclients: '2000' } }, fast)
    ).rejects.toEqual(busy)
    await inFlight.pollUntilDone()
    sandbox.setLatency({ assignmentMs: 0 })
    await assign('other', principal())

    sandbox.setCacheBusy(rg, cache, 200)
    await expect(assign('third', principal())).rejects.toEqual(busy)
    await sleep(220)
    await assign('third', principal())
  })

  // Long enough that a loaded machine still asks within it: the first answer must come while the principal is young.
  const REPLICATION_DELAY_MS = 1500

  it('a principal younger than the replication delay is unknown to the Redis RP', async () => {
    sandbox.setPrincipalReplicationDelay(REPLICATION_DELAY_MS)
    const oid = principal()
    await expect(assign('fresh', oid)).rejects.toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound',
      message: expect.stringContaining(`Principal ${oid} does not exist in the directory ${sandbox.tenantId}`)
    })
    await sleep(REPLICATION_DELAY_MS + 50)
    await expect(assign('fresh', oid)).resolves.toMatchObject({ provisioningState: 'Succeeded' })
  })

  it('…or, as the RP may answer, 400 InvalidAccessPolicyAssignment "(objectId: …) is invalid"', async () => {
    sandbox.setPrincipalReplicationDelay(REPLICATION_DELAY_MS, { answer: 'InvalidAccessPolicyAssignment' })
    const oid = principal()
    await expect(assign('fresh-invalid', oid)).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidAccessPolicyAssignment',
      message: expect.stringContaining(
        `The requested access policy assignment (objectId: ${oid}) is invalid.`
      )
    })
    await sleep(REPLICATION_DELAY_MS + 50)
    await expect(assign('fresh-invalid', oid)).resolves.toMatchObject({ provisioningState: 'Succeeded' })
    sandbox.setPrincipalReplicationDelay(0)
  })

  it('a system identity seeded on an app (an earlier step) is as new as its seeding', async () => {
    sandbox.setPrincipalReplicationDelay(300)
    sandbox.addContainerApp(rg, 'made-by-bicep', { identity: { type: 'SystemAssigned' } })
    const oid = sandbox.getContainerApp(rg, 'made-by-bicep').identity.principalId as string
    await expect(assign('bicep-app', oid)).rejects.toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound'
    })
    await sleep(320)
    await expect(assign('bicep-app', oid)).resolves.toMatchObject({ provisioningState: 'Succeeded' })
    sandbox.setPrincipalReplicationDelay(0)
  })
})

describe('sandbox wiring to the real data plane', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('an assignment plus an Entra token for redis.azure.com let the principal AUTH as its object id; delete removes it', async () => {
    const workflow = sandbox.addWorkflowIdentity()
    sandbox.addRedisCache(rg, 'live')
    const credential = workflowCredential(sandbox, workflow.clientId)
    const client = new RedisManagementClient(credential, sandbox.subscriptionId, hlcOptions(sandbox))
    const got = await client.redis.get(rg, 'live')
    expect({ host: got.hostName, port: got.sslPort }).toEqual(sandbox.dataPlane)
    await client.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      'live',
      'workflow',
      { accessPolicyName: 'Data Owner', objectId: workflow.objectId, objectIdAlias: 'wf' },
      fast
    )
    const token = await redisToken(credential)
    const connect = () =>
      entraRedisClient(sandbox, { host: got.hostName!, port: got.sslPort! }, workflow.objectId, token)
    const redis = connect()
    await redis.connect()
    await redis.set('k', 'v')
    expect(await redis.get('k')).toBe('v')
    await redis.close()

    await client.accessPolicyAssignment.beginDeleteAndWait(rg, 'live', 'workflow', fast)
    await expect(connect().connect()).rejects.toThrow(/WRONGPASS/)
  })

  it("the ingress stand-in connects with the app's system identity once env vars and the assignment are in place", async () => {
    const workflow = sandbox.addWorkflowIdentity()
    const credential = workflowCredential(sandbox, workflow.clientId)
    sandbox.addRedisCache(rg, 'shop-cache')
    sandbox.addContainerApp('rg-shop', 'shop', { identity: { type: 'SystemAssigned' } })
    const apps = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    const redis = new RedisManagementClient(credential, sandbox.subscriptionId, hlcOptions(sandbox))
    const app = await apps.containerApps.get('rg-shop', 'shop')
    const cache = await redis.redis.get(rg, 'shop-cache')
    const principalId = app.identity!.principalId!
    const health = () => raw(sandbox, sandbox.healthUrl('rg-shop', 'shop'))
    expect((await health()).status).toBe(503)

    const env = [
      { name: 'REDIS_HOST', value: cache.hostName },
      { name: 'REDIS_PORT', value: String(cache.sslPort) },
      { name: 'REDIS_OBJECT_ID', value: principalId }
    ]
    const containers = app.template!.containers!.map(c => ({ ...c, env }))
    await apps.containerApps.update(
      'rg-shop',
      'shop',
      { location: app.location, template: { containers } } as ContainerApp,
      fast
    )
    expect((await health()).json.reason).toMatch(/WRONGPASS/)

    await redis.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      'shop-cache',
      'shop',
      { accessPolicyName: 'Data Contributor', objectId: principalId, objectIdAlias: 'shop' },
      fast
    )
    const ok = await health()
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ status: 'connected', objectId: principalId })
    expect(sandbox.tokensIssued.at(-1)).toMatchObject({
      objectId: principalId,
      grant: 'managed_identity',
      audience: 'https://redis.azure.com/'
    })
  })

  it("what the app's replicas see: a name given twice has its last entry's value, a secretRef its secret's value", async () => {
    const workflow = sandbox.addWorkflowIdentity()
    const credential = workflowCredential(sandbox, workflow.clientId)
    sandbox.addRedisCache(rg, 'twice-cache')
    sandbox.addContainerApp('rg-shop', 'twice', {
      identity: { type: 'SystemAssigned' },
      secrets: [{ name: 'redis-port', value: String(sandbox.dataPlane!.port) }]
    })
    const apps = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    const redis = new RedisManagementClient(credential, sandbox.subscriptionId, hlcOptions(sandbox))
    const app = await apps.containerApps.get('rg-shop', 'twice')
    const cache = await redis.redis.get(rg, 'twice-cache')
    const principalId = app.identity!.principalId!
    await redis.accessPolicyAssignment.beginCreateUpdateAndWait(
      rg,
      'twice-cache',
      'twice',
      { accessPolicyName: 'Data Contributor', objectId: principalId, objectIdAlias: 'twice' },
      fast
    )
    const withObjectIds = async (...objectIds: string[]) => {
      const env = [
        { name: 'REDIS_HOST', value: cache.hostName },
        { name: 'REDIS_PORT', secretRef: 'redis-port' },
        ...objectIds.map(value => ({ name: 'REDIS_OBJECT_ID', value }))
      ]
      const containers = app.template!.containers!.map(c => ({ ...c, env }))
      await apps.containerApps.update(
        'rg-shop',
        'twice',
        { location: app.location, template: { containers } } as ContainerApp,
        fast
      )
      return raw(sandbox, sandbox.healthUrl('rg-shop', 'twice'))
    }
    const stale = '00000000-0000-0000-0000-000000000000'

    expect((await withObjectIds(stale, principalId)).status).toBe(200)
    // Both entries are kept, in order, in the app and in its revision.
    const got = await apps.containerApps.get('rg-shop', 'twice')
    expect(got.template?.containers?.[0].env?.filter(v => v.name === 'REDIS_OBJECT_ID')).toEqual([
      { name: 'REDIS_OBJECT_ID', value: stale },
      { name: 'REDIS_OBJECT_ID', value: principalId }
    ])
    const latest = await apps.containerAppsRevisions.getRevision('rg-shop', 'twice', got.latestRevisionName!)
    expect(latest.template?.containers?.[0].env).toEqual(got.template?.containers?.[0].env)

    const reversed = await withObjectIds(principalId, stale)
    expect(reversed.status).toBe(503)
    expect(reversed.json.reason).toMatch(/WRONGPASS/)
  })
})
