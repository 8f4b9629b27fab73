// Azure Managed Redis (Microsoft.Cache/redisEnterprise): detected from the name or given by resource ID; the
// host from the cluster, the port from the database; assignments on the database, named without hyphens.
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
