// End to end: identities. Removing exactly the Redis identity, and ARM's lower-case `resourcegroups` keys.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  envOf,
  startWorld,
  type World,
  stopWorlds
} from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

const lower = (keys: string[]): string[] => keys.map(k => k.toLowerCase()).sort()
const userKeys = (resource: { identity: { userAssignedIdentities?: object } }): string[] =>
  lower(Object.keys(resource.identity.userAssignedIdentities ?? {}))

/** The identity block of every identity PATCH the action sent to the app or job. */
function identityPatches(
  w: World
): { type: string; userAssignedIdentities?: Record<string, object | null> }[] {
  return w.sandbox.requestLog
    .filter(e => e.method === 'PATCH' && /\/(containerApps|jobs)\/[^/]+$/i.test(e.path))
    .map(
      e =>
        (e.body as { identity?: { type: string; userAssignedIdentities?: Record<string, object | null> } })
          .identity
    )
    .filter(identity => identity !== undefined)
}

describe('remove-identity', () => {
  it('removes exactly the Redis identity, keeping the system identity and the other user-assigned one', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kv = sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    const redis = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api', env: [{ name: 'KEEP', value: '1' }] }],
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [kv.id]: {} } }
    })
    const system: string = sandbox.getContainerApp(APP_RG, APP).identity.principalId
    const connected = await world.run({ identity: redis.id })
    expect(connected.outputs.verified).toBe('true')
    expect(userKeys(sandbox.getContainerApp(APP_RG, APP))).toEqual(lower([kv.id, redis.id]))

    sandbox.clearLog()
    const run = await world.run({ identity: redis.id, mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(app.identity.type).toBe('SystemAssigned,UserAssigned')
    expect(app.identity.principalId).toBe(system)
    expect(userKeys(app)).toEqual(lower([kv.id]))
    expect(envOf(app, 'api')).toEqual({ KEEP: '1' })
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    // ARM keeps a key a PATCH leaves out: the identity goes only by its key set to null
    const [patch] = identityPatches(world)
    const removed = Object.entries(patch.userAssignedIdentities ?? {}).filter(([, v]) => v === null)
    expect(lower(removed.map(([k]) => k))).toEqual(lower([redis.id]))
    expect(run.result.checks.every(c => c.status === 'passed')).toBe(true)
    expect(run.outputs.verified).toBe('true')

    sandbox.clearLog()
    const again = await world.run({ identity: redis.id, mode: 'disconnect', 'remove-identity': 'true' })
    expect(again.exitCode).toBe(0)
    expect(armWrites(sandbox)).toEqual([])
  })

  it('a job: removes exactly its Redis identity', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kv = sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    const redis = sandbox.addUserAssignedIdentity(APP_RG, 'sync-redis')
    sandbox.addContainerAppJob(APP_RG, 'nightly-sync', {
      containers: [{ name: 'sync' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [kv.id]: {} } }
    })
    const onlyJob = { 'container-app': '', 'container-app-job': 'nightly-sync', identity: redis.id }
    expect((await world.run(onlyJob)).outputs.verified).toBe('true')
    const run = await world.run({ ...onlyJob, mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    const job = sandbox.getContainerAppJob(APP_RG, 'nightly-sync')
    expect(job.identity.type).toBe('UserAssigned')
    expect(userKeys(job)).toEqual(lower([kv.id]))
  })
})

describe("ARM's lower-case resourcegroups in identity keys", () => {
  it('an attached identity named with resourceGroups is the same identity: no PATCH, and never a second key', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const redis = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    const kv = sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [redis.id]: {} } }
    })
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(Object.keys(app.identity.userAssignedIdentities)[0]).toContain('/resourcegroups/')
    expect(redis.id).toContain('/resourceGroups/')

    const run = await world.run({ identity: redis.id })
    expect(run.exitCode).toBe(0)
    expect(run.result.steps.find(s => s.id === 'identity')?.status).toBe('unchanged')
    expect(identityPatches(world)).toEqual([])
    expect(run.outputs['client-id']).toBe(redis.clientId)

    // switching to another identity resends the attached one as the GET spells it, once, and replaces the
    // client id this action set for the first one
    const other = await world.run({ identity: kv.id })
    expect(other.exitCode).toBe(0)
    expect(other.outputs.verified).toBe('true')
    const patches = identityPatches(world)
    expect(patches).toHaveLength(1)
    const keys = Object.keys(patches[0].userAssignedIdentities ?? {})
    expect(lower(keys)).toEqual(lower([redis.id, kv.id]))
    const after = sandbox.getContainerApp(APP_RG, APP)
    expect(userKeys(after)).toEqual(lower([redis.id, kv.id]))
    expect(envOf(after, 'api')).toMatchObject({
      AZURE_CLIENT_ID: kv.clientId,
      REDIS_OBJECT_ID: kv.principalId
    })
  })
})
