// mode: disconnect never breaks what is not this connection's: an assignment another app's identity needs,
// variables that point at another cache, an identity the app's registry or Key Vault secrets use (issue 11).
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  OIDC_AUDIENCE,
  SUBJECT,
  armWrites,
  envOf,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { raw } from '../sandbox/helpers.ts'
import { heading, textOf, view } from './github-view.ts'

let world: World | undefined
afterEach(stopWorlds)

const OTHER_APP = 'billing-api'
const OTHER_CACHE = 'reports-cache'

/** What the app's own code gets from Redis: its health endpoint signs in as its managed identity (AUTH, SET/GET). */
async function appReachesRedis(sandbox: Sandbox, app: string): Promise<{ status: number; body: string }> {
  const answer = await raw(sandbox, sandbox.healthUrl(APP_RG, app))
  return { status: answer.status, body: answer.text }
}

const step = (run: ActionRun, id: string) => run.result.steps.find(s => s.id === id)
const checks = (run: ActionRun) => run.result.checks.map(c => [c.id, c.status])
const warningTexts = (run: ActionRun) => run.warnings.map(w => w.message)

/** Two apps that sign in to Redis with one user-assigned identity, both connected in one run. */
async function sharedIdentityWorld(): Promise<{
  world: World
  identity: { id: string; principalId: string }
}> {
  const w = await startWorld({ app: false })
  const identity = w.sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
  for (const app of [APP, OTHER_APP])
    w.sandbox.addContainerApp(APP_RG, app, {
      containers: [{ name: 'api', env: [{ name: 'KEEP', value: app }] }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } }
    })
  const connected = await w.run({ 'container-app': `${APP}\n${OTHER_APP}`, identity: identity.id })
  expect(connected.exitCode).toBe(0)
  expect(w.sandbox.listAssignments(CACHE_RG, CACHE)).toHaveLength(1)
  return { world: w, identity }
}

describe('an assignment belongs to the identity, not to the app', () => {
  it('keeps the assignment another app carrying the identity needs, and says why; delete-shared-assignment deletes it', async () => {
    const shared = await sharedIdentityWorld()
    world = shared.world
    const { sandbox } = world
    expect(await appReachesRedis(sandbox, OTHER_APP)).toMatchObject({ status: 200 })

    sandbox.clearLog()
    const run = await world.run({ identity: shared.identity.id, mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    // The assignment stays, and the other app still signs in to the real redis-server with it.
    expect(sandbox.listAssignments(CACHE_RG, CACHE).map(a => a.properties.objectId)).toEqual([
      shared.identity.principalId
    ])
    expect(armWrites(sandbox).filter(w => /accessPolicyAssignments/i.test(w.path))).toEqual([])
    const other = await appReachesRedis(sandbox, OTHER_APP)
    expect(other).toMatchObject({ status: 200 })
    expect(JSON.parse(other.body)).toMatchObject({
      status: 'connected',
      objectId: shared.identity.principalId
    })
    // This app's variables went (a write), so the run changed something.
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual({ KEEP: APP })
    expect(run.outputs.changed).toBe('true')
    expect(run.outputs.verified).toBe('true')
    const why = `container app ${OTHER_APP} (resource group ${APP_RG}) also carries`
    expect(step(run, 'assignment')).toMatchObject({ status: 'skipped', after: `kept: ${why} the identity` })
    expect(checks(run)).toEqual([
      ['assignment-kept', 'warning'],
      ['variables-removed', 'passed']
    ])
    expect(warningTexts(run)).toEqual([expect.stringContaining('Kept the access policy assignment')])
    expect(warningTexts(run)[0]).toContain(`${why} user-assigned identity orders-redis`)
    expect(warningTexts(run)[0]).toContain('delete-shared-assignment: true')
    // As GitHub shows it: the headline says something was kept, the summary says what and why.
    const html = view(run.summary)
    expect(heading(html)).toBe(
      `⚠️ Disconnected: ${APP} from ${CACHE} (kept the access policy assignment; see the warnings)`
    )
    expect(textOf(html)).toContain('⚠️ Kept the access policy assignment')
    expect(textOf(html)).toContain(`kept: ${why} the identity`)
    expect(run.notices.map(n => n.properties.title)).toEqual([
      `Disconnected: ${APP} from ${CACHE} (kept the access policy assignment; see the warnings)`
    ])

    // Asked explicitly: deleted, with a warning naming who loses access.
    const forced = await world.run({
      identity: shared.identity.id,
      mode: 'disconnect',
      'delete-shared-assignment': 'true'
    })
    expect(forced.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(step(forced, 'assignment')).toMatchObject({ status: 'updated' })
    expect(checks(forced)).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed']
    ])
    expect(warningTexts(forced)).toEqual([expect.stringContaining(`although ${why} that identity`)])
    expect(heading(view(forced.summary))).toBe(`✅ Disconnected: ${APP} from ${CACHE} (removed and verified)`)
    expect(await appReachesRedis(sandbox, OTHER_APP)).toMatchObject({ status: 503 })
  })

  it('deletes the assignment when no other app or job carries the identity, and says what it looked at', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const identity = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, { containers: [{ name: 'api' }] })
    // Another app and a job in the subscription, with other identities.
    sandbox.addContainerApp('rg-other', OTHER_APP, { identity: { type: 'SystemAssigned' } })
    sandbox.addContainerAppJob('rg-other', 'nightly', { identity: { type: 'SystemAssigned' } })
    expect((await world.run({ identity: identity.id })).exitCode).toBe(0)

    const run = await world.run({ identity: identity.id, mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(run.result.checks.find(c => c.id === 'assignment-removed')).toMatchObject({
      status: 'passed',
      evidence: expect.stringContaining(
        `no other container app or job in subscription ${sandbox.subscriptionId} carries user-assigned identity orders-redis`
      )
    })
    expect(run.warnings).toEqual([])
    expect(heading(view(run.summary))).toBe(`✅ Disconnected: ${APP} from ${CACHE} (removed and verified)`)
  })

  it('a job carrying the identity counts as much as an app', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const identity = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    const carried = { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } }
    sandbox.addContainerApp(APP_RG, APP, { containers: [{ name: 'api' }], identity: carried })
    sandbox.addContainerAppJob('rg-other', 'nightly', { identity: carried })
    expect((await world.run({ identity: identity.id })).exitCode).toBe(0)

    const run = await world.run({ identity: identity.id, mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toHaveLength(1)
    expect(step(run, 'assignment')?.after).toBe(
      'kept: Container Apps job nightly (resource group rg-other) also carries the identity'
    )
  })

  it('a listing refused with 403 keeps the assignment and says it could not check, with the fix', async () => {
    const shared = await sharedIdentityWorld()
    world = shared.world
    const { sandbox } = world
    // A workflow identity with roles on the resource groups only: it may not list the subscription's apps.
    const narrow = sandbox.addWorkflowIdentity({
      federatedCredentials: [
        { issuer: sandbox.oidc.issuer, subject: SUBJECT, audiences: [OIDC_AUDIENCE.azurecloud] }
      ],
      roles: [APP_RG, CACHE_RG].map(rg => ({
        role: 'Contributor' as const,
        scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${rg}`
      }))
    })
    sandbox.clearLog()
    const run = await world.run({
      'client-id': narrow.clientId,
      identity: shared.identity.id,
      mode: 'disconnect'
    })
    expect(run.exitCode).toBe(0)
    expect(sandbox.requestLog.filter(e => /listBySubscription/.test(e.operation ?? ''))).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 403 })])
    )
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toHaveLength(1)
    expect(await appReachesRedis(sandbox, OTHER_APP)).toMatchObject({ status: 200 })
    expect(step(run, 'assignment')).toMatchObject({
      status: 'skipped',
      after: 'kept: could not check who else carries the identity'
    })
    const [warning] = warningTexts(run)
    expect(warning).toContain(
      'could not check whether other apps or jobs carry user-assigned identity orders-redis'
    )
    expect(warning).toContain('403 AuthorizationFailed')
    expect(warning).toContain(`Grant the workflow identity Reader on subscription ${sandbox.subscriptionId}`)
    expect(warning).toContain('delete-shared-assignment: true')
    expect(heading(view(run.summary))).toBe(
      `⚠️ Disconnected: ${APP} from ${CACHE} (kept the access policy assignment; see the warnings)`
    )

    // The explicit input deletes it without looking, and says it did not look.
    const forced = await world.run({
      'client-id': narrow.clientId,
      identity: shared.identity.id,
      mode: 'disconnect',
      'delete-shared-assignment': 'true'
    })
    expect(forced.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(step(forced, 'assignment')?.detail).toContain('other carriers not checked')
  })

  it.each([
    ['{}', '{}'],
    ['a list without its value', '{"nextLink":null}'],
    ['a proxy page answered 200', '<html><body>Sign in to continue</body></html>']
  ])('a listing answered %s is not "nobody else": the assignment stays, with the reason', async (_, text) => {
    const shared = await sharedIdentityWorld()
    world = shared.world
    const { sandbox } = world
    sandbox.faults.add({
      method: 'GET',
      path: /\/providers\/Microsoft\.App\/containerApps$/,
      kind: 'answer',
      text,
      contentType: text.startsWith('<') ? 'text/html' : 'application/json',
      times: 10
    })
    const run = await world.run({ identity: shared.identity.id, mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toHaveLength(1)
    expect(await appReachesRedis(sandbox, OTHER_APP)).toMatchObject({ status: 200 })
    expect(step(run, 'assignment')).toMatchObject({
      status: 'skipped',
      after: 'kept: could not check who else carries the identity'
    })
    expect(warningTexts(run).join('\n')).toMatch(
      /is not a list of the container apps of the subscription: (not a list \(no "value" array\)|not JSON)/
    )
  })

  it('delete-shared-assignment only applies to mode: disconnect', async () => {
    world = await startWorld()
    const run = await world.run({ 'delete-shared-assignment': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0].message).toContain('"delete-shared-assignment" only applies to mode: disconnect')
    expect(world.sandbox.requestLog).toEqual([])
  })
})

describe('variables are removed only when they are this connection’s', () => {
  it('connected to another cache since: its variables stay, with a warning, and nothing else is written to the app', async () => {
    // Without the data plane every cache has a host of its own (with it, one local redis-server serves them all).
    world = await startWorld({ dataPlane: false })
    const { sandbox } = world
    sandbox.addRedisCache(CACHE_RG, OTHER_CACHE)
    expect((await world.run()).exitCode).toBe(0)
    expect((await world.run({ 'redis-name': OTHER_CACHE })).exitCode).toBe(0)
    const other = sandbox.getCache(CACHE_RG, OTHER_CACHE).properties
    const principalId = sandbox.getContainerApp(APP_RG, APP).identity.principalId ?? ''
    const connectedToOther = {
      LOG_LEVEL: 'info',
      REDIS_HOST: other.hostName,
      REDIS_PORT: String(other.sslPort),
      REDIS_OBJECT_ID: principalId
    }
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual(connectedToOther)

    sandbox.clearLog()
    const run = await world.run({ mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual(connectedToOther)
    expect(armWrites(sandbox).map(w => w.operation)).toEqual(['accessPolicyAssignments.delete'])
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(sandbox.listAssignments(CACHE_RG, OTHER_CACHE)).toHaveLength(1)
    expect(step(run, 'variables')).toMatchObject({ status: 'skipped', before: '3 set' })
    expect(checks(run)).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed'],
      ['variables-kept', 'warning']
    ])
    const mine = sandbox.getCache(CACHE_RG, CACHE).properties.hostName
    expect(warningTexts(run)).toEqual([
      `Kept REDIS_HOST, REDIS_PORT, REDIS_OBJECT_ID in container "api" of container app ${APP}: REDIS_HOST is "${other.hostName}", not this cache's host ${mine}: they belong to a connection to another cache. Remove them yourself if they are this connection's.`
    ])
    expect(run.result.variables).toEqual([])
    const html = view(run.summary)
    expect(heading(html)).toBe(`⚠️ Disconnected: ${APP} from ${CACHE} (kept 3 variables; see the warnings)`)
    expect(textOf(html)).toContain('⚠️ Kept REDIS_HOST, REDIS_PORT, REDIS_OBJECT_ID in container "api"')
  })

  it('a variable from a secret is never removed by its value: it stays, and so do the ones it decides', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const { hostName, sslPort } = sandbox.getCache(CACHE_RG, CACHE).properties
    // The api container has the connection with its host in a secret; the action connects the worker.
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [
        {
          name: 'api',
          env: [
            { name: 'REDIS_HOST', secretRef: 'redis-host' },
            { name: 'REDIS_PORT', value: String(sslPort) }
          ]
        },
        { name: 'worker' }
      ],
      secrets: [{ name: 'redis-host', value: String(hostName) }]
    })
    expect((await world.run({ containers: 'worker' })).exitCode).toBe(0)

    const run = await world.run({ mode: 'disconnect' })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(envOf(app, 'worker')).toEqual({})
    expect(envOf(app, 'api')).toEqual({ REDIS_HOST: 'secretRef:redis-host', REDIS_PORT: String(sslPort) })
    expect(warningTexts(run)).toEqual([
      `Kept REDIS_HOST, REDIS_PORT in container "api" of container app ${APP}: REDIS_HOST comes from secret redis-host, whose value the action does not read, so it cannot tell whose connection they are. Remove them yourself if they are this connection's.`
    ])
    expect(step(run, 'variables')).toMatchObject({
      status: 'updated',
      before: '5 set',
      after: "3 removed, 2 kept (not this connection's, or not visible; see the warnings)"
    })
    expect(checks(run)).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed'],
      ['variables-kept', 'warning']
    ])
  })
})

describe('remove-identity keeps an identity the app still uses', () => {
  it('a registry and a Key Vault secret use it: it stays, with a warning and the step saying why', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const identity = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api', image: 'octoacr.azurecr.io/orders:1' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [identity.id]: {} } },
      registries: [{ server: 'octoacr.azurecr.io', identity: identity.id }],
      // Spelled as ARM spells identity keys: the same identity.
      secrets: [
        {
          name: 'db-pass',
          keyVaultUrl: 'https://octo-kv.vault.azure.net/secrets/db-pass',
          identity: identity.id.replace('/resourceGroups/', '/resourcegroups/')
        }
      ]
    })
    expect((await world.run({ identity: identity.id })).exitCode).toBe(0)

    sandbox.clearLog()
    const run = await world.run({ identity: identity.id, mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(Object.keys(app.identity.userAssignedIdentities ?? {})).toHaveLength(1)
    const identityWrites = sandbox.requestLog.filter(
      e => e.operation === 'containerApps.update' && JSON.stringify(e.body).includes('"identity"')
    )
    expect(identityWrites).toEqual([])
    const uses = 'Key Vault secret db-pass, registry octoacr.azurecr.io use it'
    expect(step(run, 'identity')).toMatchObject({
      status: 'skipped',
      before: 'user-assigned orders-redis',
      after: `kept: ${uses}`
    })
    expect(checks(run)).toEqual([
      ['assignment-removed', 'passed'],
      ['variables-removed', 'passed'],
      ['identity-kept', 'warning']
    ])
    expect(warningTexts(run)).toEqual([
      `Kept the managed identity on container app ${APP} (remove-identity: true): ${uses}, and would stop working without it. Point them at another identity, then rerun.`
    ])
    const html = view(run.summary)
    expect(heading(html)).toBe(
      `⚠️ Disconnected: ${APP} from ${CACHE} (kept the managed identity; see the warnings)`
    )
    expect(textOf(html)).toContain(`user-assigned orders-redis → kept: ${uses}`)
  })

  it('the system identity that a registry pulls with stays too', async () => {
    world = await startWorld({
      app: {
        containers: [{ name: 'api' }],
        identity: { type: 'SystemAssigned' },
        registries: [{ server: 'octoacr.azurecr.io', identity: 'system' }]
      }
    })
    expect((await world.run()).exitCode).toBe(0)
    const run = await world.run({ mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    expect(world.sandbox.getContainerApp(APP_RG, APP).identity.type).toBe('SystemAssigned')
    expect(step(run, 'identity')?.after).toBe('kept: registry octoacr.azurecr.io uses it')
  })
})
