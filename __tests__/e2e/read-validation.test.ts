// Issue 11, item 4: a 200 that is not the app — a proxy's sign-in page, `{}`, `{"properties":{}}` — is a read
// failure, never a plan. Planning from it would PATCH `identity: SystemAssigned` and detach the app's user-assigned
// identities. The run names what the answer lacked, points at the proxy, and writes nothing.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'

afterEach(stopWorlds)

const SIGN_IN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action="/login">Corporate proxy: sign in to continue</form></body></html>'

/** The answers a proxy or a captive portal gives in Azure's place, as the SDK sees them. */
const FOREIGN_ANSWERS = [
  { what: 'a sign-in page (text/html)', text: SIGN_IN_PAGE, contentType: 'text/html; charset=utf-8' },
  { what: 'a sign-in page that claims to be JSON', text: SIGN_IN_PAGE, contentType: 'application/json' },
  { what: '{}', text: '{}' },
  { what: '{"properties":{}}', text: '{"properties":{}}' }
]

/** An app whose only identity is user-assigned: a plan from an empty answer would detach it. */
async function appWithUserIdentity(): Promise<{ world: World; identityId: string }> {
  const world = await startWorld({ app: false })
  const uami = world.sandbox.addUserAssignedIdentity(APP_RG, 'orders-id')
  world.sandbox.addContainerApp(APP_RG, APP, {
    containers: [{ name: 'api', image: 'ghcr.io/octo-org/orders:1' }],
    identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
  })
  return { world, identityId: uami.id }
}

/** A clean read failure: exit 1, one message, no stack, no write, and the proxy named as the likely cause. */
function expectReadFailure(run: ActionRun, world: World): { message: string; fix: string } {
  expect(run.exitCode).toBe(1)
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
  expect(armWrites(world.sandbox)).toEqual([])
  const failure = run.result.failure
  expect(failure?.title).toMatch(/^Could not read /)
  expect(failure?.fix).toMatch(/HTTPS_PROXY/)
  expect(failure?.fix).toMatch(/NO_PROXY/)
  return { message: failure?.message ?? '', fix: failure?.fix ?? '' }
}

describe('an answer to the app GET that is not the app', () => {
  it.each(FOREIGN_ANSWERS)(
    '$what: a read failure naming what is missing; nothing is written',
    async ({ text, contentType }) => {
      const { world, identityId } = await appWithUserIdentity()
      world.sandbox.faults.add({
        method: 'GET',
        path: new RegExp(`/containerApps/${APP}$`),
        kind: 'answer',
        text,
        contentType,
        times: 10
      })
      const run = await world.run({ identity: 'system' })
      const { message } = expectReadFailure(run, world)
      expect(message).toContain(`container app ${APP}`)
      if (text.startsWith('<')) {
        expect(message).toMatch(/not JSON/)
        // What the page says is shown only as far as it takes to recognise it.
        expect(message).toContain('<!DOCTYPE html>')
        expect(run.stdout + run.summary).not.toContain('Corporate proxy: sign in to continue')
      } else {
        expect(message).toMatch(/no id/)
        expect(message).toMatch(/no identity/)
        expect(message).toMatch(/no properties\.template\.containers/)
      }
      const app = world.sandbox.getContainerApp(APP_RG, APP)
      expect(app.identity.type).toBe('UserAssigned')
      expect(Object.keys(app.identity.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
        identityId.toLowerCase()
      ])
    }
  )

  it('an answer for another app (a cache or gateway that mixes answers up) is refused too', async () => {
    const { world } = await appWithUserIdentity()
    world.sandbox.addContainerApp(APP_RG, 'billing-api')
    const other = JSON.stringify(world.sandbox.getContainerApp(APP_RG, 'billing-api'))
    world.sandbox.faults.add({ method: 'GET', path: `/containerApps/${APP}`, kind: 'answer', text: other })
    const run = await world.run({ identity: 'system' })
    const { message } = expectReadFailure(run, world)
    expect(message).toMatch(/id \S+\/billing-api is not/)
    expect(message).toMatch(/name billing-api is not orders-api/)
  })
})

describe('the other reads the plan rests on', () => {
  it.each([
    ['access policy assignments', 'accessPolicyAssignments'],
    ['access policies', 'accessPolicies']
  ])(
    "the cache's %s answered {} (which a client reads as an empty list) are a read failure; nothing is written",
    async (what, segment) => {
      const { world } = await appWithUserIdentity()
      world.sandbox.faults.add({
        method: 'GET',
        path: new RegExp(`/redis/${CACHE}/${segment}$`),
        kind: 'answer',
        text: '{}',
        times: 10
      })
      const run = await world.run({ identity: 'system' })
      const { message } = expectReadFailure(run, world)
      expect(message).toContain(
        `is not a list of the ${what} of cache ${CACHE}: not a list (no "value" array)`
      )
    }
  )

  it("a Managed Redis database's assignments answered {} are a read failure; nothing is written", async () => {
    const { world } = await appWithUserIdentity()
    world.sandbox.addManagedRedis(CACHE_RG, 'orders-amr')
    world.sandbox.faults.add({
      method: 'GET',
      path: /\/redisEnterprise\/orders-amr\/databases\/default\/accessPolicyAssignments$/,
      kind: 'answer',
      text: '{}',
      times: 10
    })
    const run = await world.run({ identity: 'system', 'redis-name': 'orders-amr' })
    const { message } = expectReadFailure(run, world)
    expect(message).toContain('is not a list of the access policy assignments of')
    expect(message).toContain('not a list (no "value" array)')
  })

  it('a cache answer without hostName and sslPort is a read failure; nothing is written', async () => {
    const { world } = await appWithUserIdentity()
    world.sandbox.faults.add({
      method: 'GET',
      path: new RegExp(`/redis/${CACHE}$`),
      kind: 'answer',
      text: '{"properties":{}}'
    })
    const run = await world.run({ identity: 'system' })
    const { message } = expectReadFailure(run, world)
    expect(message).toContain(`cache ${CACHE}`)
    expect(message).toMatch(/no properties\.hostName/)
    expect(message).toMatch(/no properties\.sslPort/)
  })

  it('a user-assigned identity answer without its principal is a read failure; nothing is written', async () => {
    const { world, identityId } = await appWithUserIdentity()
    world.sandbox.faults.add({
      method: 'GET',
      path: '/userAssignedIdentities/orders-id',
      kind: 'answer',
      text: '{}'
    })
    const run = await world.run({ identity: identityId })
    const { message } = expectReadFailure(run, world)
    expect(message).toContain('user-assigned identity orders-id')
    expect(message).toMatch(/no properties\.principalId/)
  })

  it('a job answer without its template is a read failure; nothing is written', async () => {
    const world = await startWorld({ app: false })
    world.sandbox.addContainerAppJob(APP_RG, 'nightly-sync')
    world.sandbox.faults.add({
      method: 'GET',
      path: '/jobs/nightly-sync',
      kind: 'answer',
      text: '{"properties":{}}'
    })
    const run = await world.run({ 'container-app': '', 'container-app-job': 'nightly-sync' })
    const { message } = expectReadFailure(run, world)
    expect(message).toContain('Container Apps job nightly-sync')
    expect(message).toMatch(/no properties\.template\.containers/)
  })

  it('real answers pass: an app and a job without identity answer {"type":"None"} and are planned', async () => {
    const world = await startWorld()
    world.sandbox.addContainerAppJob(APP_RG, 'nightly-sync')
    const run = await world.run({ mode: 'plan', 'container-app-job': 'nightly-sync' })
    expect(run.exitCode).toBe(0)
    expect(run.result.failure).toBeUndefined()
    expect(armWrites(world.sandbox)).toEqual([])
  })
})
