// End to end: who the app signs in as. Switching identities, an AZURE_CLIENT_ID that is someone else's, removing
// exactly the Redis identity, and ARM's lower-case `resourcegroups` keys.
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

describe('switching from a user-assigned identity to the system identity', () => {
  it('removes the AZURE_CLIENT_ID it set, and the app really signs in as the system identity', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api', env: [{ name: 'LOG_LEVEL', value: 'info' }] }]
    })
    const first = await world.run({ identity: uami.id })
    expect(first.outputs.verified).toBe('true')
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toMatchObject({
      AZURE_CLIENT_ID: uami.clientId,
      REDIS_OBJECT_ID: uami.principalId
    })

    const run = await world.run({ identity: 'system', 'health-url': sandbox.healthUrl(APP_RG, APP) })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    const env = envOf(app, 'api')
    expect(env.AZURE_CLIENT_ID).toBeUndefined()
    expect(env).toMatchObject({ LOG_LEVEL: 'info', REDIS_OBJECT_ID: app.identity.principalId })
    expect(run.result.variables).toContainEqual({
      container: 'api',
      name: 'AZURE_CLIENT_ID',
      before: uami.clientId,
      after: '(removed)'
    })
    expect(run.outputs.verified).toBe('true')
    const signIn = run.result.checks.find(c => c.id === 'sign-in-identity')
    expect(signIn?.status).toBe('passed')
    expect(signIn?.evidence).toContain('signs in as the system-assigned identity')
    expect(signIn?.evidence).toContain(app.identity.principalId)
    // the app stand-in signs in as DefaultAzureCredential does, and reaches Redis
    expect(run.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')
    // the user-assigned identity stays attached: apply adds, it never removes
    expect(userKeys(app)).toEqual(lower([uami.id]))
  })

  it('before the switch is applied, verify names the identity the app would sign in as and is not verified', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    const systemPrincipal = sandbox.getContainerApp(APP_RG, APP).identity.principalId ?? ''
    await sandbox.addAssignment(CACHE_RG, CACHE, 'system', {
      objectId: systemPrincipal,
      accessPolicyName: 'Data Contributor'
    })
    expect((await world.run({ identity: uami.id })).outputs.verified).toBe('true')

    sandbox.clearLog()
    const run = await world.run({ identity: 'system', mode: 'verify' })
    expect(armWrites(sandbox)).toEqual([])
    expect(run.outputs.verified).toBe('false')
    const signIn = run.result.checks.find(c => c.id === 'sign-in-identity')
    expect(signIn?.status).toBe('failed')
    expect(signIn?.evidence).toContain(
      `AZURE_CLIENT_ID is "${uami.clientId}", so the credential signs in as user-assigned identity orders-redis (object id ${uami.principalId})`
    )
    expect(signIn?.evidence).toContain(`the connected identity is ${systemPrincipal}`)
  })

  it('a job: the client id it set leaves the template, and the job is verified as the system identity', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'sync-redis')
    sandbox.addContainerAppJob(APP_RG, 'nightly-sync', {
      containers: [{ name: 'sync', env: [{ name: 'MODE', value: 'nightly' }] }]
    })
    const onlyJob = { 'container-app': '', 'container-app-job': 'nightly-sync' }
    expect((await world.run({ ...onlyJob, identity: uami.id })).outputs.verified).toBe('true')
    const run = await world.run({ ...onlyJob, identity: 'system' })
    expect(run.exitCode).toBe(0)
    const job = sandbox.getContainerAppJob(APP_RG, 'nightly-sync')
    expect(envOf(job, 'sync')).toEqual({
      MODE: 'nightly',
      REDIS_HOST: expect.any(String),
      REDIS_PORT: expect.any(String),
      REDIS_OBJECT_ID: job.identity.principalId
    })
    expect(run.result.checks.find(c => c.id === 'sign-in-identity')).toMatchObject({
      title: 'Job signs in as the connected identity',
      status: 'passed'
    })
    expect(run.outputs.verified).toBe('true')
  })
})

describe('an AZURE_CLIENT_ID the app uses for another identity', () => {
  async function appUsingKeyVaultIdentity(w: World): Promise<{ id: string; clientId: string }> {
    const kv = w.sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    w.sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api', env: [{ name: 'AZURE_CLIENT_ID', value: kv.clientId }] }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [kv.id]: {} } }
    })
    return kv
  }

  it('with identity: system, is left alone and the run stops before any write, saying why and what to do', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kv = await appUsingKeyVaultIdentity(world)
    sandbox.clearLog()
    const run = await world.run({ identity: 'system' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    expect(armWrites(sandbox)).toEqual([])
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual({ AZURE_CLIENT_ID: kv.clientId })
    expect(run.result.failure?.title).toBe('The app would sign in as another identity')
    expect(run.result.failure?.message).toContain(
      `AZURE_CLIENT_ID = "${kv.clientId}", the client id of user-assigned identity kv-reader`
    )
    expect(run.result.failure?.message).toContain('does not change a variable it did not set')
    expect(run.result.failure?.fix?.toLowerCase()).toContain(`identity: ${kv.id.toLowerCase()}`)
    expect(run.result.failure?.fix).toContain('--remove-env-vars AZURE_CLIENT_ID')

    // verify says the same, and never verified
    const verify = await world.run({ identity: 'system', mode: 'verify' })
    expect(verify.outputs.verified).toBe('false')
    expect(verify.result.failure?.title).toBe('The app would sign in as another identity')
  })

  it('with another user-assigned identity, is not overwritten; a client-id-variable of its own connects', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kv = await appUsingKeyVaultIdentity(world)
    const redis = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.clearLog()
    const run = await world.run({ identity: redis.id })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    expect(armWrites(sandbox)).toEqual([])
    expect(run.result.failure?.message).toContain('would move those sign-ins too')
    expect(run.result.failure?.fix).toContain('client-id-variable: REDIS_CLIENT_ID')

    const own = await world.run({ identity: redis.id, 'client-id-variable': 'REDIS_CLIENT_ID' })
    expect(own.exitCode).toBe(0)
    expect(own.outputs.verified).toBe('true')
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(envOf(app, 'api')).toMatchObject({
      AZURE_CLIENT_ID: kv.clientId,
      REDIS_CLIENT_ID: redis.clientId,
      REDIS_OBJECT_ID: redis.principalId
    })
    expect(own.result.checks.find(c => c.id === 'sign-in-identity')?.evidence).toContain(
      'signs in as user-assigned identity orders-redis'
    )
    expect(userKeys(app)).toEqual(lower([kv.id, redis.id]))
  })
})

describe('disconnect', () => {
  it("keeps an AZURE_CLIENT_ID that names another identity: it is the app's, not the connection's", async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kv = sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    const redis = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    // The values a connect to this cache set: a disconnect removes only those.
    const cache = sandbox.getCache(CACHE_RG, CACHE).properties
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [
        {
          name: 'api',
          env: [
            { name: 'AZURE_CLIENT_ID', value: kv.clientId },
            { name: 'REDIS_HOST', value: cache.hostName },
            { name: 'REDIS_PORT', value: String(cache.sslPort) },
            { name: 'REDIS_OBJECT_ID', value: redis.principalId }
          ]
        }
      ],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [kv.id]: {}, [redis.id]: {} } }
    })
    const run = await world.run({ identity: redis.id, mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual({ AZURE_CLIENT_ID: kv.clientId })
    expect(run.result.checks.map(c => [c.id, c.status])).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed']
    ])
  })
})

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
    const system = sandbox.getContainerApp(APP_RG, APP).identity.principalId
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
    expect(Object.keys(app.identity.userAssignedIdentities ?? {})[0]).toContain('/resourcegroups/')
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
