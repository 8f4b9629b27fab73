// mode: disconnect never breaks what is not this connection's: an identity the app's registry or Key Vault secrets
// use (issue 11).
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import { heading, textOf, view } from './github-view.ts'

let world: World | undefined
afterEach(stopWorlds)

const step = (run: ActionRun, id: string) => run.result.steps.find(s => s.id === id)
const checks = (run: ActionRun) => run.result.checks.map(c => [c.id, c.status])
const warningTexts = (run: ActionRun) => run.warnings.map(w => w.message)

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
