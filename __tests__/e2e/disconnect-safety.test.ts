// mode: disconnect never breaks what is not this connection's: variables that point at another cache, an identity
// the app's registry or Key Vault secrets use (issue 11).
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  envOf,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import { heading, textOf, view } from './github-view.ts'

let world: World | undefined
afterEach(stopWorlds)

const OTHER_CACHE = 'reports-cache'

const step = (run: ActionRun, id: string) => run.result.steps.find(s => s.id === id)
const checks = (run: ActionRun) => run.result.checks.map(c => [c.id, c.status])
const warningTexts = (run: ActionRun) => run.warnings.map(w => w.message)

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
