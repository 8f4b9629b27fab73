// Azure Managed Redis is OSS-clustered by default: the sandbox serves such a database with a real Redis Cluster,
// where a plain client gets MOVED and only a cluster-aware client (signed in on every node) works.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ResourceManagementClient } from '@azure/arm-resources'
import type { TokenCredential } from '@azure/identity'
import { createCluster } from 'redis'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { entraRedisClient, redisToken } from './entra-redis-client.ts'
import { modularOptions, workflowCredential } from './helpers.ts'

const API = '2025-07-01'
const fast = { updateIntervalInMs: 10 }
const rg = 'rg-amr-cluster'

/** A cluster client as an app makes it: TLS with the cache's host name, the Entra identity on every node. */
const clusterClient = (
  sandbox: Sandbox,
  endpoint: { host: string; port: number },
  objectId: string,
  token: string,
  o: { servername?: boolean } = {}
) =>
  createCluster({
    rootNodes: [{ socket: { host: endpoint.host, port: endpoint.port } }],
    defaults: {
      username: objectId,
      password: token,
      disableClientInfo: true,
      socket: {
        tls: true,
        ca: sandbox.caCert,
        reconnectStrategy: false,
        ...(o.servername === false ? {} : { servername: endpoint.host })
      }
    }
  })

describe('sandbox OSS-clustered Managed Redis (a real Redis Cluster)', () => {
  let sandbox: Sandbox
  let credential: TokenCredential
  let client: ResourceManagementClient
  let workflow: { clientId: string; objectId: string }

  beforeAll(async () => {
    sandbox = await startSandbox()
    workflow = sandbox.addWorkflowIdentity()
    credential = workflowCredential(sandbox, workflow.clientId)
    client = new ResourceManagementClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  const endpointOf = async (clusterId: string): Promise<{ host: string; port: number; policy: string }> => {
    const cluster = (await client.resources.getById(clusterId, API)).properties as { hostName: string }
    const db = (await client.resources.getById(`${clusterId}/databases/default`, API)).properties as {
      port: number
      clusteringPolicy: string
    }
    return { host: cluster.hostName, port: db.port, policy: db.clusteringPolicy }
  }

  it('a new Managed Redis is OSSCluster; its database port is the first node of a 3-primary cluster', async () => {
    const clusterId = sandbox.addManagedRedis(rg, 'oss')
    const endpoint = await endpointOf(clusterId)
    const cluster = await sandbox.ossCluster()
    expect(endpoint).toEqual({ host: 'localhost', port: cluster.port, policy: 'OSSCluster' })
    expect(cluster.nodes).toHaveLength(3)
    expect(new Set(cluster.nodes.map(n => n.port)).size).toBe(3)
    expect(cluster.nodes.every(n => n.host === '127.0.0.1')).toBe(true)
    expect(endpoint.port).not.toBe(sandbox.dataPlane?.port)
    expect(sandbox.getManagedRedis(rg, 'oss').databases[0].properties).toMatchObject({
      clusteringPolicy: 'OSSCluster',
      port: cluster.port
    })
  })

  it('with an assignment: a plain client signs in but gets MOVED for a key of another shard; a cluster client works on every node', async () => {
    const clusterId = sandbox.addManagedRedis(rg, 'oss2')
    const endpoint = await endpointOf(clusterId)
    const id = `${clusterId}/databases/default/accessPolicyAssignments/workflow`
    await client.resources.beginCreateOrUpdateByIdAndWait(
      id,
      API,
      { properties: { accessPolicyName: 'default', user: { objectId: workflow.objectId } } },
      fast
    )
    const token = await redisToken(credential)

    const plain = entraRedisClient(sandbox, endpoint, workflow.objectId, token)
    await plain.connect()
    const errors: string[] = []
    for (let i = 0; i < 20 && !errors.length; i++) {
      await plain.set(`plain:${i}`, 'v').catch((error: Error) => errors.push(error.message))
    }
    await plain.close()
    expect(errors[0]).toMatch(/^MOVED \d+ 127\.0\.0\.1:\d+$/)

    const cluster = clusterClient(sandbox, endpoint, workflow.objectId, token)
    await cluster.connect()
    try {
      expect(cluster.masters).toHaveLength(3)
      for (let i = 0; i < 20; i++) await cluster.set(`cluster:${i}`, String(i))
      for (let i = 0; i < 20; i++) expect(await cluster.get(`cluster:${i}`)).toBe(String(i))
      for (const master of cluster.masters) {
        const node = await cluster.nodeClient(master)
        expect(await node.sendCommand(['ACL', 'WHOAMI'])).toBe(workflow.objectId)
        expect(Number(await node.sendCommand(['DBSIZE']))).toBeGreaterThan(0)
      }
    } finally {
      await cluster.close()
    }

    await client.resources.beginDeleteByIdAndWait(id, API, fast)
    const { nodes } = await sandbox.ossCluster()
    for (const node of nodes) {
      await expect(
        entraRedisClient(sandbox, { host: 'localhost', port: node.port }, workflow.objectId, token).connect()
      ).rejects.toThrow(/WRONGPASS/)
    }
  })

  it("nodes announce an IP their certificate does not name: a cluster client must check each node against the cache's host name", async () => {
    const other = sandbox.addWorkflowIdentity()
    const clusterId = sandbox.addManagedRedis(rg, 'oss3')
    await sandbox.addManagedRedisAssignment(rg, 'oss3', 'other', { objectId: other.objectId })
    const endpoint = await endpointOf(clusterId)
    const token = await redisToken(workflowCredential(sandbox, other.clientId))
    const withoutServername = clusterClient(sandbox, endpoint, other.objectId, token, { servername: false })
    const errors: Error[] = []
    withoutServername.on('error', (error: Error) => errors.push(error))
    await expect(withoutServername.connect()).rejects.toThrow('All the root nodes are unavailable')
    expect(errors.map(e => e.message)).toContainEqual(
      expect.stringMatching(/IP: 127\.0\.0\.1 is not in the cert's list/)
    )
    withoutServername.destroy()

    const cluster = clusterClient(sandbox, endpoint, other.objectId, token)
    await cluster.connect()
    await cluster.set('seeded', 'yes')
    expect(await cluster.get('seeded')).toBe('yes')
    await cluster.close()
  })

  it('EnterpriseCluster and NoCluster databases are the single endpoint, where a cluster client is refused', async () => {
    for (const clusteringPolicy of ['EnterpriseCluster', 'NoCluster'] as const) {
      const name = `single${clusteringPolicy}`
      const clusterId = sandbox.addManagedRedis(rg, name, { clusteringPolicy })
      await sandbox.addManagedRedisAssignment(rg, name, 'workflow', { objectId: workflow.objectId })
      const endpoint = await endpointOf(clusterId)
      expect(endpoint).toEqual({ ...sandbox.dataPlane, policy: clusteringPolicy })
      const token = await redisToken(credential)
      const plain = entraRedisClient(sandbox, endpoint, workflow.objectId, token)
      await plain.connect()
      for (let i = 0; i < 20; i++) await plain.set(`single:${i}`, 'v')
      await plain.close()
      const cluster = clusterClient(sandbox, endpoint, workflow.objectId, token)
      await expect(cluster.connect()).rejects.toThrow(/cluster support disabled/)
      cluster.destroy()
    }
  })
})

describe('sandbox OSS-clustered Managed Redis without a data plane', () => {
  it('says OSSCluster on port 10000 and starts no cluster', async () => {
    const sandbox = await startSandbox({ dataPlane: false })
    try {
      sandbox.addManagedRedis(rg, 'nodp')
      expect(sandbox.getManagedRedis(rg, 'nodp').databases[0].properties).toMatchObject({
        clusteringPolicy: 'OSSCluster',
        port: 10000
      })
      await expect(sandbox.ossCluster()).rejects.toThrow(/no data plane/)
    } finally {
      await sandbox.stop()
    }
  })
})
