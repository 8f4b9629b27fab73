// Beyond the recipe: many apps in one run, disconnect, and opt-in hardening of the cache.
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

const APPS = ['orders-api', 'billing-api', 'search-api']
/** The long waits' cadence (a look every 30 s, progress every 20 s) scaled to test time: 300 ms and 200 ms. */
const FAST_WAITS = { CONNECT_REDIS_TEST_PACE: '0.01' }

describe('many apps, one cache', () => {
  it('connects every app, queues the assignments, and reports a row per app; outputs keep their one-app shape', async () => {
    world = await startWorld({ app: false, latency: { assignmentMs: 300 } })
    const { sandbox } = world
    for (const app of APPS)
      sandbox.addContainerApp(APP_RG, app, {
        containers: [{ name: 'api', env: [{ name: 'KEEP', value: app }] }],
        secrets: [{ name: 's', value: app }]
      })
    const run = await world.run({ 'container-app': APPS.join('\n') })
    expect(run.exitCode).toBe(0)

    const principals = APPS.map(app => sandbox.getContainerApp(APP_RG, app).identity.principalId as string)
    expect(new Set(principals).size).toBe(3)
    expect(
      sandbox
        .listAssignments(CACHE_RG, CACHE)
        .map(a => a.properties.objectId)
        .sort()
    ).toEqual([...principals].sort())
    for (const [i, app] of APPS.entries()) {
      expect(envOf(sandbox.getContainerApp(APP_RG, app), 'api')).toMatchObject({
        KEEP: app,
        REDIS_OBJECT_ID: principals[i]
      })
      expect(sandbox.getContainerApp(APP_RG, app).properties.configuration.secrets).toEqual([
        { name: 's', value: app }
      ])
    }
    // The action queues its own assignment writes: Azure never had to refuse one as busy.
    expect(sandbox.requestLog.filter(e => e.status === 409)).toEqual([])
    // The cache is read once for the whole run, not once per app.
    expect(sandbox.requestLog.filter(e => e.operation === 'redis.get')).toHaveLength(1)
    expect(sandbox.requestLog.filter(e => e.operation === 'accessPolicies.list')).toHaveLength(1)
    const puts = sandbox.requestLog.filter(e => e.operation === 'accessPolicyAssignments.createUpdate')
    expect(puts).toHaveLength(3)

    // Plain values, one line per app in the order given; the cache's outputs once; `results` has every app.
    expect(run.outputs['principal-id']).toBe(principals.join('\n'))
    expect(run.outputs.revision.split('\n')).toEqual(
      APPS.map(app => sandbox.getContainerApp(APP_RG, app).properties.latestReadyRevisionName)
    )
    expect(run.outputs['redis-port']).toMatch(/^\d+$/)
    expect(run.outputs.verified).toBe('true')
    expect(run.outputs.changed).toBe('true')
    const results = JSON.parse(run.outputs.results) as {
      schemaVersion: number
      apps: Record<string, unknown>
    }
    expect(results.schemaVersion).toBe(1)
    expect(Object.keys(results.apps)).toEqual(APPS)
    const result = JSON.parse(run.outputs.result)
    expect(result).toMatchObject({ schemaVersion: 1, mode: 'apply', succeeded: true })
    expect(result.outputs).toMatchObject({
      verified: true,
      changed: true,
      'principal-id': principals.join('\n')
    })
    expect(run.summary).toContain('3 apps connected')
    for (const app of APPS) expect(run.summary).toContain(`<code>${app}</code>`)
    // The time each app's assignment spent queued behind the others, and writing.
    expect(run.summary).toContain('<th>Cache queue: waited / writing</th>')
    const queue = APPS.map(
      app => (results.apps[app] as { cacheQueue: { waitedMs: number; workedMs: number } }).cacheQueue
    )
    for (const q of queue) expect(q.workedMs).toBeGreaterThan(0)
    // They went one at a time: the last waited for the other two (ratios within this run, not absolute times).
    const waits = queue.map(q => q.waitedMs).sort((a, b) => a - b)
    expect(waits[2]).toBeGreaterThanOrEqual(Math.min(...queue.map(q => q.workedMs)))
    // One notice per app that changed, titled with its verdict.
    expect(run.notices.map(n => n.properties.title).sort()).toEqual(
      APPS.map(app => `Connected: ${app} → ${CACHE} (changes applied and verified)`).sort()
    )

    sandbox.clearLog()
    const again = await world.run({ 'container-app': APPS.join('\n') })
    expect(again.exitCode).toBe(0)
    expect(again.outputs.changed).toBe('false')
    expect(armWrites(sandbox)).toEqual([])
  })

  it('fails the step when one app fails, names it, and still connects the others', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    sandbox.addContainerApp(APP_RG, 'good-api', { containers: [{ name: 'api' }] })
    const run = await world.run({ 'container-app': 'good-api\nmissing-api' })
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('1 of 2 apps not connected')
    expect(run.errors.some(e => e.properties.title?.startsWith('missing-api: '))).toBe(true)
    expect(envOf(sandbox.getContainerApp(APP_RG, 'good-api'), 'api').REDIS_OBJECT_ID).toBeDefined()
    expect(run.outputs.verified).toBe('false')
  })
})

describe('disconnect', () => {
  it('removes the assignment and the variables (a new revision), keeps the identity and everything else, and is idempotent', async () => {
    world = await startWorld({
      app: {
        containers: [{ name: 'api', env: [{ name: 'KEEP', value: '1' }] }],
        secrets: [{ name: 's', value: 'v' }]
      }
    })
    const { sandbox } = world
    expect((await world.run()).exitCode).toBe(0)
    const connected = sandbox.getContainerApp(APP_RG, APP)
    const revisions = sandbox.listRevisions(APP_RG, APP).length

    const run = await world.run({ mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(envOf(app, 'api')).toEqual({ KEEP: '1' })
    expect(app.identity.principalId).toBe(connected.identity.principalId)
    expect(app.properties.configuration.secrets).toEqual([{ name: 's', value: 'v' }])
    expect(sandbox.listRevisions(APP_RG, APP)).toHaveLength(revisions + 1)
    expect(run.result.checks.map(c => [c.id, c.status])).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed']
    ])
    expect(run.outputs.verified).toBe('true')

    sandbox.clearLog()
    const again = await world.run({ mode: 'disconnect' })
    expect(again.exitCode).toBe(0)
    expect(armWrites(sandbox)).toEqual([])
    expect(again.outputs.changed).toBe('false')
  })

  it('also removes the identity with remove-identity, keeping other user-assigned identities', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const other = sandbox.addUserAssignedIdentity(APP_RG, 'pull')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [other.id]: {} } }
    })
    expect((await world.run()).exitCode).toBe(0)
    const run = await world.run({ mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(app.identity.type).toBe('UserAssigned')
    expect(Object.keys(app.identity.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
      other.id.toLowerCase()
    ])
    expect(run.result.steps.find(s => s.id === 'identity')?.status).toBe('updated')
  })

  it('refuses remove-identity outside disconnect, before any request', async () => {
    world = await startWorld()
    const run = await world.run({ 'remove-identity': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0].message).toContain('"remove-identity" only applies to mode: disconnect')
    expect(world.sandbox.requestLog).toEqual([])
  })
})

describe('opt-in hardening', () => {
  it('enable-entra-auth turns Entra on with a request of its own, waits through ConfiguringAAD, warns, then connects', async () => {
    world = await startWorld({ latency: { cacheUpdateMs: 1500 } })
    const { sandbox } = world
    sandbox.addRedisCache(CACHE_RG, 'keys-only', { aadEnabled: false })
    const run = await world.run(
      { 'redis-name': 'keys-only', 'enable-entra-auth': 'true' },
      { env: FAST_WAITS }
    )
    expect(run.exitCode).toBe(0)
    const cachePatches = sandbox.requestLog.filter(e => e.operation === 'redis.update')
    expect(cachePatches).toHaveLength(1)
    expect(cachePatches[0].body).toEqual({ properties: { redisConfiguration: { 'aad-enabled': 'true' } } })
    expect(sandbox.getCache(CACHE_RG, 'keys-only').properties.redisConfiguration['aad-enabled']).toBe('true')
    expect(run.warnings.some(w => /rebooted/.test(w.message))).toBe(true)
    expect(run.summary).toContain('rebooted')
    expect(run.result.steps.find(s => s.id === 'cache')?.status).toBe('updated')
    expect(sandbox.listAssignments(CACHE_RG, 'keys-only')).toHaveLength(1)
  })

  it('enable-entra-auth waits out ConfiguringAAD after the operation reports done, logging progress, then connects and verifies', async () => {
    world = await startWorld({ latency: { cacheUpdateMs: 300, entraConfigureMs: 4000 } })
    const { sandbox } = world
    sandbox.addRedisCache(CACHE_RG, 'keys-only', { aadEnabled: false })
    const run = await world.run(
      { 'redis-name': 'keys-only', 'enable-entra-auth': 'true' },
      { env: FAST_WAITS }
    )
    expect(run.result.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    expect(run.result.steps.find(s => s.id === 'cache')?.status).toBe('updated')
    // The budget grew, since timeout-minutes was left empty.
    expect(run.stdout).toMatch(/the run's deadline grows from 20 to 50 minutes/)
    // Progress lines name the state last seen and the time so far.
    expect(run.stdout).toMatch(
      /Still waiting for Microsoft Entra authentication on cache keys-only .*: update operation done; cache provisioningState ConfiguringAAD \([\d.]+ s so far\)\./
    )
    // The connection waited for the cache: no write of it was refused as busy.
    const arm = sandbox.requestLog.filter(e => e.service === 'arm')
    expect(arm.filter(e => e.status === 409)).toEqual([])
    const patch = arm.findIndex(e => e.operation === 'redis.update')
    const assignment = arm.findIndex(e => e.operation === 'accessPolicyAssignments.createUpdate')
    expect(patch).toBeGreaterThanOrEqual(0)
    expect(assignment).toBeGreaterThan(patch)
    // The wait looks at the cache gently: no more than one look per poll interval (30 s × pace 0.01).
    const looks = arm.slice(patch + 1, assignment).filter(e => e.operation === 'redis.get')
    expect(looks.length).toBeGreaterThan(2)
    const span = (looks.at(-1)?.startedAt ?? 0) - arm[patch].startedAt
    expect(looks.length).toBeLessThanOrEqual(Math.floor(span / 300) + 2)
  })

  it('an explicit timeout-minutes too short for turning Entra on fails at once, with nothing changed', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.addRedisCache(CACHE_RG, 'keys-only', { aadEnabled: false })
    const run = await world.run(
      { 'redis-name': 'keys-only', 'enable-entra-auth': 'true', 'timeout-minutes': '20' },
      { env: FAST_WAITS }
    )
    expect(run.exitCode).toBe(1)
    expect(run.result.steps.find(s => s.id === 'cache')?.status).toBe('failed')
    expect(run.result.failure?.message).toMatch(
      /^timeout-minutes is 20, and \d+ min \d+ s of it remain; turning on Microsoft Entra authentication on cache keys-only reboots its nodes and can take up to 30 minutes\. Nothing was changed\.$/
    )
    expect(run.result.failure?.fix).toContain('Set timeout-minutes to 50 or more, or remove it')
    expect(armWrites(sandbox)).toEqual([])
    expect(sandbox.getCache(CACHE_RG, 'keys-only').properties.redisConfiguration['aad-enabled']).toBe('false')
  })

  it('disable-access-keys runs only after every check passed', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.failRevisions(APP_RG, APP)
    const failed = await world.run({ 'disable-access-keys': 'true' })
    expect(failed.exitCode).toBe(1)
    expect(sandbox.getCache(CACHE_RG, CACHE).properties.disableAccessKeyAuthentication).toBe(false)
    expect(sandbox.requestLog.filter(e => e.operation === 'redis.update')).toEqual([])

    await world.stop()
    world = await startWorld()
    const ok = await world.run({ 'disable-access-keys': 'true' })
    expect(ok.exitCode).toBe(0)
    const patches = world.sandbox.requestLog.filter(e => e.operation === 'redis.update')
    expect(patches.map(p => p.body)).toEqual([{ properties: { disableAccessKeyAuthentication: true } }])
    expect(world.sandbox.getCache(CACHE_RG, CACHE).properties.disableAccessKeyAuthentication).toBe(true)
    expect(ok.result.steps.find(s => s.id === 'access-keys')?.status).toBe('updated')
    // After the checks: the keys go last, once the assignment and the revision were proven.
    const armLog = world.sandbox.requestLog.filter(e => e.service === 'arm')
    const keysOff = armLog.findIndex(e => e.operation === 'redis.update')
    const lastRevisionRead = armLog.map(e => e.operation).lastIndexOf('containerAppsRevisions.get')
    expect(keysOff).toBeGreaterThan(lastRevisionRead)
  })
})
