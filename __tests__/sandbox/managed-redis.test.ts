import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { ResourceManagementClient } from '@azure/arm-resources'
import type { TokenCredential } from '@azure/identity'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { entraRedisClient, redisToken } from './entra-redis-client.ts'
import { armToken, modularOptions, raw, sleep, workflowCredential } from './helpers.ts'
import type { RawResponse } from './helpers.ts'

// The action reaches Azure Managed Redis through @azure/arm-resources' generic by-id operations, which need the
// api-version given explicitly.
const API = '2025-07-01'
const fast = { updateIntervalInMs: 10 }
const rg = 'rg-amr'

/** A generic authenticated ARM request (what any client sends), for headers the SDK pollers hide. */
const armRequest = async (
  sandbox: Sandbox,
  credential: TokenCredential,
  method: string,
  id: string,
  body?: unknown,
  apiVersion: string | undefined = API
): Promise<RawResponse> =>
  raw(sandbox, `${sandbox.armEndpoint}${id}${apiVersion ? `?api-version=${apiVersion}` : ''}`, {
    method,
    headers: {
      authorization: `Bearer ${await armToken(credential)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })

const assignmentBody = (objectId: string, accessPolicyName = 'default') => ({
  properties: { accessPolicyName, user: { objectId } }
})

describe('sandbox Microsoft.Cache/redisEnterprise (Azure Managed Redis)', () => {
  let sandbox: Sandbox
  let credential: TokenCredential
  let client: ResourceManagementClient
  let n = 0
  let cluster = ''
  let clusterId = ''
  let dbId = ''

  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    const { clientId } = sandbox.addWorkflowIdentity()
    credential = workflowCredential(sandbox, clientId)
    client = new ResourceManagementClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })
  beforeEach(() => {
    sandbox.setLatency({ assignmentMs: 0 })
    sandbox.setPrincipalReplicationDelay(0)
    sandbox.clearLog()
    cluster = `amr${++n}`
    clusterId = sandbox.addManagedRedis(rg, cluster)
    dbId = `${clusterId}/databases/default`
  })

  const principal = (): string =>
    sandbox.addUserAssignedIdentity('rg-ids', `id-${n}-${Math.random().toString(36).slice(2, 8)}`).principalId
  const assignmentId = (name: string): string => `${dbId}/accessPolicyAssignments/${name}`
  const assign = (name: string, objectId: string, accessPolicyName = 'default') =>
    client.resources.beginCreateOrUpdateByIdAndWait(
      assignmentId(name),
      API,
      assignmentBody(objectId, accessPolicyName),
      fast
    )
  const armLog = () => sandbox.requestLog.filter(e => e.service === 'arm')

  it('cluster and database GET (no data plane): the real host name, port 10000, Encrypted, OSSCluster by default, accessKeysAuthentication', async () => {
    const got = await client.resources.getById(clusterId, API)
    expect(got).toMatchObject({
      id: clusterId,
      name: cluster,
      type: 'Microsoft.Cache/redisEnterprise',
      sku: { name: 'Balanced_B1' },
      properties: { hostName: `${cluster}.eastus.redis.azure.net`, provisioningState: 'Succeeded' }
    })
    const db = await client.resources.getById(dbId, API)
    expect(db).toMatchObject({
      name: 'default',
      type: 'Microsoft.Cache/redisEnterprise/databases',
      properties: {
        port: 10000,
        clientProtocol: 'Encrypted',
        clusteringPolicy: 'OSSCluster',
        accessKeysAuthentication: 'Disabled'
      }
    })
    expect(armLog().map(e => e.operation)).toEqual(['redisEnterprise.get', 'redisEnterprise.databases.get'])
    await expect(client.resources.getById(`${clusterId}/databases/other`, API)).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound'
    })
    const inspected = sandbox.getManagedRedis(rg, cluster)
    expect(inspected.properties.hostName).toBe(`${cluster}.eastus.redis.azure.net`)
    expect(inspected.databases.map((d: { name: string }) => d.name)).toEqual(['default'])
  })

  it('api-version: a served one is accepted, an unserved one is 400 NoRegisteredProviderFound, a missing one 400 MissingApiVersionParameter', async () => {
    for (const v of ['2024-09-01-preview', '2025-07-01']) {
      expect((await armRequest(sandbox, credential, 'GET', clusterId, undefined, v)).status).toBe(200)
    }
    const unserved = await armRequest(sandbox, credential, 'GET', clusterId, undefined, '2026-08-01')
    expect(unserved.status).toBe(400)
    expect(unserved.json.error.code).toBe('NoRegisteredProviderFound')
    const missing = await armRequest(sandbox, credential, 'GET', clusterId, undefined, '')
    expect(missing.status).toBe(400)
    expect(missing.json.error.code).toBe('MissingApiVersionParameter')
  })

  it('PUT: 201 + Azure-AsyncOperation and a Location that is the assignment, Updating → Succeeded; then GET, 200 on re-PUT, DELETE 202 + Azure-AsyncOperation', async () => {
    const oid = principal()
    sandbox.setLatency({ assignmentMs: 150 })
    const created = await armRequest(sandbox, credential, 'PUT', assignmentId('app1'), assignmentBody(oid))
    expect(created.status).toBe(201)
    expect(created.headers['azure-asyncoperation']).toMatch(/^https:\/\/localhost:\d+\/subscriptions\/.+/)
    expect(created.headers.location).toBe(
      `${sandbox.armEndpoint}${assignmentId('app1')}?api-version=2025-07-01`
    )
    expect(created.json).toEqual({
      id: assignmentId('app1'),
      name: 'app1',
      type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments',
      properties: { provisioningState: 'Updating', accessPolicyName: 'default', user: { objectId: oid } }
    })
    expect(sandbox.listManagedRedisAssignments(rg, cluster)[0].properties.provisioningState).toBe('Updating')
    await sleep(200)
    const status = await raw(sandbox, String(created.headers['azure-asyncoperation']), {
      headers: { authorization: `Bearer ${await armToken(credential)}` }
    })
    expect(status.json.status).toBe('Succeeded')
    sandbox.setLatency({ assignmentMs: 0 })
    const got = await client.resources.getById(assignmentId('app1'), API)
    expect(got.properties).toMatchObject({ provisioningState: 'Succeeded', user: { objectId: oid } })

    // the SDK path the action uses: an unchanged PUT answers 200 at once
    await expect(assign('app1', oid)).resolves.toMatchObject({
      properties: { provisioningState: 'Succeeded' }
    })
    const puts = armLog().filter(e => e.operation === 'redisEnterprise.accessPolicyAssignments.createUpdate')
    expect(puts.map(e => e.status)).toEqual([201, 200])

    const removed = await armRequest(sandbox, credential, 'DELETE', assignmentId('app1'))
    expect(removed.status).toBe(202)
    expect(removed.headers['azure-asyncoperation']).toBeDefined()
    expect(removed.headers.location).toBeUndefined()
    await sleep(20)
    await expect(client.resources.getById(assignmentId('app1'), API)).rejects.toMatchObject({
      statusCode: 404
    })
    // deleting what is gone is a no-op
    expect((await armRequest(sandbox, credential, 'DELETE', assignmentId('app1'))).status).toBe(204)
  })

  it('the generic client (@azure/arm-resources by id) creates, lists (paged) and deletes assignments', async () => {
    const oids = [principal(), principal(), principal()]
    const created = await assign('first', oids[0])
    expect(created).toMatchObject({
      name: 'first',
      properties: { provisioningState: 'Succeeded', accessPolicyName: 'default', user: { objectId: oids[0] } }
    })
    await assign('second', oids[1])
    await assign('third', oids[2])
    // paged list: pages of 2 with nextLink
    const page1 = await armRequest(sandbox, credential, 'GET', `${dbId}/accessPolicyAssignments`)
    expect(page1.json.value).toHaveLength(2)
    expect(page1.json.nextLink).toContain('$skipToken=2')
    const page2 = await raw(sandbox, page1.json.nextLink, {
      headers: { authorization: `Bearer ${await armToken(credential)}` }
    })
    expect(page2.json.value.map((a: { name: string }) => a.name)).toEqual(['third'])
    expect(page2.json.nextLink).toBeUndefined()

    await client.resources.beginDeleteByIdAndWait(assignmentId('second'), API, fast)
    expect(sandbox.listManagedRedisAssignments(rg, cluster).map(a => a.name)).toEqual(['first', 'third'])
    expect(armLog().map(e => e.operation)).toEqual(
      expect.arrayContaining([
        'redisEnterprise.accessPolicyAssignments.createUpdate',
        'redisEnterprise.accessPolicyAssignments.get',
        'redisEnterprise.accessPolicyAssignments.list',
        'redisEnterprise.accessPolicyAssignments.delete',
        'lro.status'
      ])
    )
  })

  it('assignment names must match ^[A-Za-z0-9]{1,60}$ (a GUID with hyphens is 400 InvalidResourceName); seeded GUID names can be read and deleted', async () => {
    const oid = principal()
    for (const name of [oid, 'with-hyphen', 'a'.repeat(61)]) {
      await expect(assign(name, oid)).rejects.toMatchObject({ statusCode: 400, code: 'InvalidResourceName' })
    }
    await expect(assign(oid.replaceAll('-', ''), oid)).resolves.toMatchObject({
      properties: { provisioningState: 'Succeeded' }
    })
    // as the portal makes them: GUID names exist and can be read and deleted
    const other = principal()
    await sandbox.addManagedRedisAssignment(rg, cluster, other, { objectId: other })
    await expect(client.resources.getById(assignmentId(other), API)).resolves.toMatchObject({ name: other })
    await client.resources.beginDeleteByIdAndWait(assignmentId(other), API, fast)
    expect(sandbox.listManagedRedisAssignments(rg, cluster)).toHaveLength(1)
  })

  it("accessPolicyName must be 'default'; user.objectId is required", async () => {
    const oid = principal()
    await expect(assign('owner', oid, 'Data Owner')).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidAccessPolicyAssignment',
      message: expect.stringContaining(
        "The only access policy of an Azure Managed Redis database is 'default'"
      )
    })
    const noUser = await armRequest(sandbox, credential, 'PUT', assignmentId('nouser'), {
      properties: { accessPolicyName: 'default', objectId: oid }
    })
    expect(noUser.status).toBe(400)
    expect(noUser.json.error.code).toBe('InvalidRequestBody')
  })

  it('one assignment per user per database: a second name for the same objectId is refused', async () => {
    const oid = principal()
    await assign('first', oid)
    await expect(assign('second', oid)).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidAccessPolicyAssignment',
      message: `User '${oid}' already has an access policy assignment ('first') on database 'default' of cluster '${cluster}'. Each user can have one access policy assignment per database.`
    })
    // the same user on another cluster is fine
    const otherId = sandbox.addManagedRedis(rg, `${cluster}b`)
    await client.resources.beginCreateOrUpdateByIdAndWait(
      `${otherId}/databases/default/accessPolicyAssignments/second`,
      API,
      assignmentBody(oid),
      fast
    )
  })

  it('409 Conflict (busy) for writes on the cluster while an assignment is in flight or after setCacheBusy', async () => {
    sandbox.setLatency({ assignmentMs: 300 })
    const slow = await armRequest(
      sandbox,
      credential,
      'PUT',
      assignmentId('slow'),
      assignmentBody(principal())
    )
    expect(slow.status).toBe(201)
    const busy = {
      statusCode: 409,
      code: 'Conflict',
      message: `The resource '${clusterId}' is busy processing a previous update request or is undergoing system maintenance. As such, it is currently unable to accept the update request. Please try again later.`
    }
    await expect(assign('other', principal())).rejects.toMatchObject(busy)
    expect((await armRequest(sandbox, credential, 'DELETE', assignmentId('slow'))).status).toBe(409)
    await sleep(320)
    sandbox.setLatency({ assignmentMs: 0 })
    await assign('other', principal())

    sandbox.setCacheBusy(rg, cluster, 200)
    await expect(assign('third', principal())).rejects.toMatchObject(busy)
    await sleep(220)
    await assign('third', principal())
  })

  it("a principal younger than the replication delay is unknown (PrincipalNotFound): a job's new system identity", async () => {
    sandbox.setPrincipalReplicationDelay(200)
    sandbox.addContainerAppJob('rg-jobs', `job${n}`)
    const apps = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    const job = await apps.jobs.update('rg-jobs', `job${n}`, { identity: { type: 'SystemAssigned' } }, fast)
    const oid = job.identity!.principalId!
    await expect(assign('job', oid)).rejects.toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound',
      message: expect.stringContaining(`Principal ${oid} does not exist in the directory ${sandbox.tenantId}`)
    })
    await sleep(220)
    await expect(assign('job', oid)).resolves.toMatchObject({
      properties: { provisioningState: 'Succeeded' }
    })
  })

  it('RBAC: a Reader reads the cluster and assignments but cannot write them (redisEnterprise action names)', async () => {
    const reader = sandbox.addWorkflowIdentity({
      roles: [{ role: 'Reader', scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${rg}` }]
    })
    const readerClient = new ResourceManagementClient(
      workflowCredential(sandbox, reader.clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(readerClient.resources.getById(dbId, API)).resolves.toMatchObject({ name: 'default' })
    await expect(
      readerClient.resources.beginCreateOrUpdateByIdAndWait(
        assignmentId('x'),
        API,
        assignmentBody(principal()),
        fast
      )
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: expect.stringContaining(
        "action 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments/write'"
      )
    })
  })
})

describe('sandbox Managed Redis wiring to the real data plane', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  // An EnterpriseCluster database is the one redis-server (a single endpoint); OSSCluster: redis-cluster.test.ts.
  it("EnterpriseCluster: hostName is the data plane's host and the database port its TLS port; an assignment lets the principal AUTH with full access; delete removes it", async () => {
    const workflow = sandbox.addWorkflowIdentity()
    const clusterId = sandbox.addManagedRedis(rg, 'live', { clusteringPolicy: 'EnterpriseCluster' })
    const credential = workflowCredential(sandbox, workflow.clientId)
    const client = new ResourceManagementClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    const cluster = (await client.resources.getById(clusterId, API)).properties as { hostName: string }
    const db = (await client.resources.getById(`${clusterId}/databases/default`, API)).properties as {
      port: number
    }
    expect({ host: cluster.hostName, port: db.port }).toEqual(sandbox.dataPlane)
    expect(cluster.hostName).toBe('localhost')

    const id = `${clusterId}/databases/default/accessPolicyAssignments/workflow`
    await client.resources.beginCreateOrUpdateByIdAndWait(id, API, assignmentBody(workflow.objectId), fast)
    const token = await redisToken(credential)
    const connect = () =>
      entraRedisClient(sandbox, { host: cluster.hostName, port: db.port }, workflow.objectId, token)
    const redis = connect()
    await redis.connect()
    await redis.set('amr', 'v')
    expect(await redis.get('amr')).toBe('v')
    expect(await redis.sendCommand(['ACL', 'WHOAMI'])).toBe(workflow.objectId)
    await redis.close()

    await client.resources.beginDeleteByIdAndWait(id, API, fast)
    await expect(connect().connect()).rejects.toThrow(/WRONGPASS/)
  })

  it('addManagedRedisAssignment seeds a Succeeded assignment and resolves once the data plane user exists', async () => {
    const workflow = sandbox.addWorkflowIdentity()
    sandbox.addManagedRedis(rg, 'seeded', { database: 'db0', clusteringPolicy: 'EnterpriseCluster' })
    await sandbox.addManagedRedisAssignment(rg, 'seeded', 'wf', {
      objectId: workflow.objectId,
      database: 'db0'
    })
    expect(sandbox.listManagedRedisAssignments(rg, 'seeded', 'db0')).toEqual([
      expect.objectContaining({
        name: 'wf',
        properties: {
          provisioningState: 'Succeeded',
          accessPolicyName: 'default',
          user: { objectId: workflow.objectId }
        }
      })
    ])
    const credential = workflowCredential(sandbox, workflow.clientId)
    const redis = entraRedisClient(
      sandbox,
      sandbox.dataPlane!,
      workflow.objectId,
      await redisToken(credential)
    )
    await redis.connect()
    expect(await redis.ping()).toBe('PONG')
    await redis.close()
  })
})
