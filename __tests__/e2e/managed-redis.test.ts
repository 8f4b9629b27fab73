// Azure Managed Redis (Microsoft.Cache/redisEnterprise): detected from the name or given by resource ID; the
// host from the cluster, the port from the database; assignments on the database, named without hyphens. A new
// database is OSS-clustered (Azure's default): the probe, the app stand-in and the usage snippets use cluster clients.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE_RG,
  armWrites,
  envOf,
  startWorld,
  type World,
  stopWorlds
} from '../../launcher/world.ts'
import { hrefs, view } from './github-view.ts'

let world: World | undefined
afterEach(stopWorlds)

const AMR = 'orders-amr'

describe('Azure Managed Redis', () => {
  it('is detected from a bare name and connected: host, database port, default policy, hyphen-free name; a rerun writes nothing', async () => {
    world = await startWorld({ dataPlane: false })
    const { sandbox } = world
    sandbox.addManagedRedis(CACHE_RG, AMR)
    const run = await world.run({ 'redis-name': AMR })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    const principalId = app.identity.principalId as string
    const cluster = sandbox.getManagedRedis(CACHE_RG, AMR)
    expect(envOf(app, 'api')).toMatchObject({
      REDIS_HOST: cluster.properties.hostName,
      REDIS_PORT: '10000',
      REDIS_OBJECT_ID: principalId
    })
    expect(cluster.properties.hostName).toMatch(/\.redis\.azure\.net$/)
    const assignments = sandbox.listManagedRedisAssignments(CACHE_RG, AMR)
    expect(assignments).toHaveLength(1)
    expect(assignments[0]).toMatchObject({
      name: principalId.replace(/-/g, ''),
      properties: { accessPolicyName: 'default', user: { objectId: principalId } }
    })
    expect(run.outputs).toMatchObject({
      'redis-port': '10000',
      'assignment-name': principalId.replace(/-/g, ''),
      verified: 'true'
    })
    expect(run.result.clusteringPolicy).toBe('OSSCluster')
    // The portal link names the cache's own resource type, found by the read (the input was a bare name).
    const cacheLink = `https://portal.azure.com/#@/resource/subscriptions/${sandbox.subscriptionId}/resourceGroups/${CACHE_RG}/providers/Microsoft.Cache/redisEnterprise/${AMR}`
    expect(hrefs(view(run.summary))).toContain(cacheLink)
    expect(run.summary).not.toContain(`Microsoft.Cache/redis/${AMR}`)

    sandbox.clearLog()
    const again = await world.run({ 'redis-name': AMR })
    expect(again.exitCode).toBe(0)
    expect(armWrites(sandbox)).toEqual([])
  })

  it('given by resource ID, asks only for Managed Redis and adopts an existing assignment under any name', async () => {
    world = await startWorld({ dataPlane: false, app: false })
    const { sandbox } = world
    const id = sandbox.addManagedRedis(CACHE_RG, AMR)
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    await sandbox.addManagedRedisAssignment(CACHE_RG, AMR, 'portal-made', { objectId: uami.principalId })
    const run = await world.run({ 'redis-name': id, 'redis-resource-group': '', identity: uami.id })
    expect(run.exitCode).toBe(0)
    expect(sandbox.listManagedRedisAssignments(CACHE_RG, AMR).map(a => a.name)).toEqual(['portal-made'])
    expect(run.outputs['assignment-name']).toBe('portal-made')
    expect(sandbox.requestLog.some(e => /Microsoft\.Cache\/redis\//.test(e.path))).toBe(false)
    expect(run.result.steps.find(s => s.id === 'assignment')?.status).toBe('unchanged')
  })

  it('enable-entra-auth and disable-access-keys take the kind from the one read: no classic GET after detection, no invented setting', async () => {
    world = await startWorld({ dataPlane: false })
    const { sandbox } = world
    sandbox.addManagedRedis(CACHE_RG, AMR)
    const run = await world.run({
      'redis-name': AMR,
      'enable-entra-auth': 'true',
      'disable-access-keys': 'true'
    })
    expect(run.exitCode).toBe(0)
    // The bare name is looked up once as a classic cache (a 404: the detection); the cache steps ask no more.
    const classicReads = sandbox.requestLog.filter(e => e.operation === 'redis.get')
    expect(classicReads).toHaveLength(1)
    expect(run.result.steps.find(s => s.id === 'cache')).toMatchObject({
      status: 'unchanged',
      detail: 'Azure Managed Redis always uses Microsoft Entra ID'
    })
    expect(
      run.warnings.some(w => /disable-access-keys is not applied to Azure Managed Redis/.test(w.message))
    ).toBe(true)
    // Nothing is written to the cluster or its database but the assignment.
    expect(
      armWrites(sandbox).filter(
        w => /Microsoft\.Cache/i.test(w.path) && !/accessPolicyAssignments/.test(w.path)
      )
    ).toEqual([])
    // The Entra check quotes what is true of Managed Redis, not a classic cache's aad-enabled setting.
    const entra = run.result.checks.find(c => c.id === 'entra-auth')
    expect(entra).toMatchObject({
      status: 'passed',
      evidence: 'Azure Managed Redis always accepts Microsoft Entra ID'
    })
  })

  it('the app really connects through the data plane (health URL), and disconnect removes the assignment', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.addManagedRedis(CACHE_RG, AMR)
    const run = await world.run({ 'redis-name': AMR, 'health-url': sandbox.healthUrl(APP_RG, APP) })
    expect(run.exitCode).toBe(0)
    expect(run.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')
    const off = await world.run({ 'redis-name': AMR, mode: 'disconnect' })
    expect(off.exitCode).toBe(0)
    expect(sandbox.listManagedRedisAssignments(CACHE_RG, AMR)).toEqual([])
  })

  it('refuses an assignment name with hyphens before any write', async () => {
    world = await startWorld({ dataPlane: false })
    world.sandbox.addManagedRedis(CACHE_RG, AMR)
    const run = await world.run({ 'redis-name': AMR, 'assignment-name': 'orders-api' })
    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.message).toContain('no hyphens')
    expect(armWrites(world.sandbox)).toEqual([])
  })
})

/** The summary's usage snippets (the <details> at its end). */
const snippets = (summary: string): string =>
  summary.slice(summary.indexOf('<summary>Use it from your app</summary>'))

describe('Azure Managed Redis clustering policies', () => {
  it('OSSCluster (the default): the probe uses a cluster client on every shard, the app connects through one, and the summary says so with cluster snippets', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.addManagedRedis(CACHE_RG, AMR)
    await sandbox.addManagedRedisAssignment(CACHE_RG, AMR, 'githubworkflow', {
      objectId: world.workflow.objectId
    })
    const run = await world.run({
      'redis-name': AMR,
      'probe-redis': 'true',
      'health-url': sandbox.healthUrl(APP_RG, APP)
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    const cluster = await sandbox.ossCluster()
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toMatchObject({
      REDIS_HOST: 'localhost',
      REDIS_PORT: String(cluster.port)
    })
    expect(run.result.clusteringPolicy).toBe('OSSCluster')
    const probe = run.result.checks.find(c => c.id === 'probe-redis')
    expect(probe?.status).toBe('passed')
    expect(probe?.evidence).toContain(
      `OSS cluster client (clusteringPolicy OSSCluster) from localhost:${cluster.port}: 3 primary shards (`
    )
    for (const node of cluster.nodes) expect(probe?.evidence).toContain(`${node.host}:${node.port}`)
    expect(probe?.evidence).toContain(`AUTH as object id ${world.workflow.objectId}`)
    expect(probe?.evidence).toContain('on every shard')
    expect(run.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')

    expect(run.summary).toContain('clustering policy <code>OSSCluster</code>')
    expect(run.summary).toContain('This Azure Managed Redis database is OSS-clustered')
    expect(run.summary).toContain('<code>MOVED</code>')
    const code = snippets(run.summary)
    expect(code).toContain('Node.js (redis createCluster + @redis/entraid)')
    expect(code).toContain('const client = createCluster({')
    expect(code).toContain('servername: process.env.REDIS_HOST')
    expect(code).toContain('from redis.cluster import RedisCluster')
    expect(code).toContain('client = RedisCluster(')
    expect(code).toContain('StackExchange.Redis discovers the shards')
    expect(code).not.toContain('createClient(')
  })

  it('EnterpriseCluster: one endpoint, so the probe and the snippets use plain clients', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.addManagedRedis(CACHE_RG, AMR, { clusteringPolicy: 'EnterpriseCluster' })
    await sandbox.addManagedRedisAssignment(CACHE_RG, AMR, 'githubworkflow', {
      objectId: world.workflow.objectId
    })
    const run = await world.run({
      'redis-name': AMR,
      'probe-redis': 'true',
      'health-url': sandbox.healthUrl(APP_RG, APP)
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    expect(run.outputs['redis-port']).toBe(String(sandbox.dataPlane?.port))
    expect(run.result.clusteringPolicy).toBe('EnterpriseCluster')
    const probe = run.result.checks.find(c => c.id === 'probe-redis')
    expect(probe?.status).toBe('passed')
    expect(probe?.evidence).toContain(`TLS to localhost:${sandbox.dataPlane?.port}, AUTH as object id`)
    expect(probe?.evidence).not.toContain('cluster')
    expect(run.summary).toContain('clustering policy <code>EnterpriseCluster</code>')
    expect(run.summary).not.toContain('OSS-clustered')
    const code = snippets(run.summary)
    expect(code).toContain('const client = createClient({')
    expect(code).toContain('client = redis.Redis(')
    expect(code).not.toContain('createCluster')
    expect(code).not.toContain('RedisCluster')
  })
})
