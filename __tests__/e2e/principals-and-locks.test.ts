// Issue 10, items 2 and 8: an identity an earlier step created that the Redis resource provider does not know yet
// (under either of its answers), two runs at once on a fresh app, and management locks, through the bundled action.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  envOf,
  startWorld,
  type ActionRun,
  type World,
  stopWorlds
} from '../../launcher/world.ts'
import type { RequestLogEntry, UnknownPrincipalAnswer } from '../../sandbox/index.ts'

let world: World | undefined
afterEach(stopWorlds)

const DELAY_MS = 60_000
const CONTAINERS = [{ name: 'api', env: [{ name: 'LOG_LEVEL', value: 'info' }] }]

function expectConnected(w: World) {
  const app = w.sandbox.getContainerApp(APP_RG, APP)
  expect(w.sandbox.listAssignments(CACHE_RG, CACHE).map(a => a.properties.objectId)).toEqual([
    app.identity.principalId
  ])
  expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
}

const assignmentPuts = (w: World): RequestLogEntry[] =>
  w.sandbox.requestLog.filter(e => e.operation === 'accessPolicyAssignments.createUpdate')

/** The log lines where the run says why it waits for the principal. */
/** The retry lines (one per refused attempt), not the progress lines that repeat the reason every 15 s. */
const principalWaits = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(l => /^Could not .*not yet known to the resource provider/.test(l))

describe('an identity created by an earlier step', () => {
  it.each<UnknownPrincipalAnswer>(['PrincipalNotFound', 'InvalidAccessPolicyAssignment'])(
    'is retried while the Redis RP answers %s for 60 s, saying why each time, and connects',
    async answer => {
      // The app got its system identity from an earlier step (Bicep, az containerapp create --system-assigned).
      world = await startWorld({ app: { containers: CONTAINERS, identity: { type: 'SystemAssigned' } } })
      world.sandbox.setPrincipalReplicationDelay(DELAY_MS, { answer })
      const run = await world.run()

      expect(run.exitCode).toBe(0)
      expect(run.result.steps.find(s => s.id === 'identity')?.status).toBe('unchanged')
      expectConnected(world)
      const puts = assignmentPuts(world)
      const refused = puts.filter(e => e.status === 400)
      expect(refused.length).toBeGreaterThan(1)
      expect(principalWaits(run)).toHaveLength(refused.length)
      // The wait itself says, every 15 s, what it waits for, why, and for how long.
      expect(run.stdout).toMatch(
        /^Still waiting for orders-api: Redis access policy assignment: the identity is not yet known to the resource provider.*; retrying \(attempt \d+\) \[\d+s elapsed\]$/m
      )
      expect(
        principalWaits(run).every(l =>
          l.includes(answer === 'PrincipalNotFound' ? 'does not exist in the directory' : 'is invalid')
        )
      ).toBe(true)
      // Bounded backoff: the last refused attempt is close to the accepted one, compared with the whole wait.
      const accepted = puts.find(e => e.status === 201)
      expect(accepted).toBeDefined()
      const whole = (accepted?.startedAt ?? 0) - refused[0].startedAt
      const last = (accepted?.startedAt ?? 0) - refused[refused.length - 1].startedAt
      expect(last / whole).toBeLessThan(0.34)
    },
    240_000
  )
})

describe('two runs at once on one fresh app', () => {
  it('both connect, the second one starting after the first gave the app its identity', async () => {
    world = await startWorld({ app: { containers: CONTAINERS } })
    const { sandbox } = world
    sandbox.setPrincipalReplicationDelay(20_000)
    // Two processes, as two workflow runs are: one process has one process.env for the runs in it.
    const first = world.run({}, { bundle: true })
    // The second run reads an app that already has the (new, not yet replicated) identity the first one added.
    while (sandbox.getContainerApp(APP_RG, APP).identity?.type !== 'SystemAssigned')
      await new Promise(resolve => setTimeout(resolve, 50))
    const second = world.run({}, { bundle: true })
    const runs = await Promise.all([first, second])

    expect(runs.map(r => r.exitCode)).toEqual([0, 0])
    expect(runs[1].result.steps.find(s => s.id === 'identity')?.status).toBe('unchanged')
    expect(new Set(runs.map(r => r.outputs['principal-id'])).size).toBe(1)
    expect(runs.every(r => principalWaits(r).length > 0)).toBe(true)
    expectConnected(world)
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api').LOG_LEVEL).toBe('info')
  }, 180_000)
})

describe('management locks', () => {
  it('a ReadOnly lock on the app’s resource group fails at once, naming the lock and how to lift it', async () => {
    world = await startWorld({ app: { containers: CONTAINERS } })
    const lockId = world.sandbox.addLock(APP_RG, 'freeze-prod', 'ReadOnly', { notes: 'change freeze' })
    const run = await world.run({ 'timeout-minutes': '10' })

    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.title).toBe('Managed identity')
    expect(run.result.failure?.message).toContain("ReadOnly lock 'freeze-prod' on resource group rg-apps")
    expect(run.result.failure?.message).toContain('ScopeLocked')
    expect(run.result.failure?.fix).toContain(`az lock delete --ids "${lockId}"`)
    // Fail fast: one refused write, no retries, no wait for the deadline.
    expect(armWrites(world.sandbox).map(w => [w.method, w.operation])).toEqual([
      ['PATCH', 'containerApps.update']
    ])
    expect(run.stdout).not.toMatch(/Retrying in/)
    expect(run.result.failure?.message).not.toMatch(/timeout-minutes/)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
  })

  it('a ReadOnly lock on the cache’s resource group stops the assignment, naming the lock; the rerun after lifting it converges', async () => {
    world = await startWorld({ app: { containers: CONTAINERS } })
    world.sandbox.addLock(CACHE_RG, 'data-readonly', 'ReadOnly')
    const first = await world.run()

    expect(first.exitCode).toBe(1)
    expect(first.result.failure?.title).toBe('Redis access policy assignment')
    expect(first.result.failure?.message).toContain("ReadOnly lock 'data-readonly' on resource group rg-data")
    expect(assignmentPuts(world)).toHaveLength(1)

    world.sandbox.removeLock(CACHE_RG, 'data-readonly')
    expect((await world.run()).exitCode).toBe(0)
    expectConnected(world)
  })

  it('a CanNotDelete lock does not stop a run that only adds and updates', async () => {
    world = await startWorld({ app: { containers: CONTAINERS } })
    world.sandbox.addLock(APP_RG, 'keep', 'CanNotDelete')
    world.sandbox.addLock(CACHE_RG, 'keep', 'CanNotDelete')
    expect((await world.run()).exitCode).toBe(0)
    expectConnected(world)
  })
})
