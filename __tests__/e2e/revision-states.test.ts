// End to end: the running states a new revision really reports (Learn "Troubleshoot a container app" and the
// running-status table; sandbox/SPEC.md has the sources), through the bundled action against the sandbox. Good ends
// (ScaledToZero — the default scale —, RunningAtMaxScale, Running after Activating) verify; bad ends reached while
// the update itself succeeded (Degraded, ActivationFailed, Failed, Stopped) fail at once, long before the deadline.
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP, APP_RG, startWorld, stopWorlds, type ActionRun, type World } from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

const CONTAINERS = [
  { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
]
/** Long enough for the wait to read the revision before it is ready; far below any deadline. */
const REVISION_MS = 2500

const latestRevision = (w: World) => w.sandbox.listRevisions(APP_RG, APP).at(-1)
const revisionGets = (w: World) =>
  w.sandbox.requestLog.filter(e => e.operation === 'containerAppsRevisions.get')
const check = (run: ActionRun, id: string) => run.result.checks.find(c => c.id === id)

/** The new revision's creation (the PATCH accepted) and the moment the sandbox turns it ready or ends it. */
function revisionTimes(w: World): { createdAt: number; settledAt: number } {
  const createdAt = Date.parse(latestRevision(w)?.properties.createdTime ?? '')
  return { createdAt, settledAt: createdAt + REVISION_MS }
}

describe('a new revision that ends ready', () => {
  it.each([
    ['ScaledToZero (the default scale, 0–10 replicas)', undefined, 'ScaledToZero', 0],
    ['RunningAtMaxScale (1–1 replicas)', { minReplicas: 1, maxReplicas: 1 }, 'RunningAtMaxScale', 1],
    ['Running after Activating (1–10 replicas)', { minReplicas: 1, maxReplicas: 10 }, 'Running', 1]
  ])('%s: the run waits for it and verifies', async (_, scale, runningState, replicas) => {
    world = await startWorld({
      latency: { revisionReadyMs: REVISION_MS },
      app: { containers: CONTAINERS, ...(scale ? { scale } : {}) }
    })
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')

    const revision = latestRevision(world)
    expect(revision?.properties).toMatchObject({ runningState, healthState: 'Healthy', replicas })
    expect(run.outputs.revision).toBe(revision?.name)
    expect(run.result.steps.find(s => s.id === 'revision')).toMatchObject({
      status: 'created',
      detail: expect.stringContaining(`ready: ${runningState} (health Healthy`)
    })
    expect(check(run, 'revision')).toMatchObject({
      status: 'passed',
      evidence: expect.stringContaining(`${revision?.name}: ${runningState} (health Healthy`)
    })
    // It read the revision while it was still on its way (Processing / Activating), and waited.
    const { createdAt, settledAt } = revisionTimes(world)
    const gets = revisionGets(world).filter(e => e.startedAt >= createdAt)
    expect(gets.some(e => e.startedAt < settledAt)).toBe(true)
    expect(gets.some(e => e.startedAt >= settledAt)).toBe(true)
  })

  it('mode: verify accepts a ScaledToZero revision', async () => {
    world = await startWorld()
    const applied = await world.run()
    expect(applied.exitCode).toBe(0)
    expect(latestRevision(world)?.properties.runningState).toBe('ScaledToZero')

    const verified = await world.run({ mode: 'verify' })
    expect(verified.exitCode).toBe(0)
    expect(verified.outputs.verified).toBe('true')
    expect(check(verified, 'revision')).toMatchObject({
      status: 'passed',
      evidence: expect.stringContaining('ScaledToZero (health Healthy, 0 replicas, provisioning Provisioned)')
    })
  })

  it('wait: false does not wait for the revision; the variables are checked in the app template', async () => {
    world = await startWorld({ latency: { revisionReadyMs: 60_000 } })
    const run = await world.run({ wait: 'false' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    expect(latestRevision(world)?.properties.runningState).toBe('Processing')
    expect(run.result.steps.some(s => s.id === 'revision')).toBe(false)
    const name = latestRevision(world)?.name
    // The skipped check says which revision is still starting, from one read of it: no wait.
    expect(check(run, 'revision')).toMatchObject({
      status: 'skipped',
      evidence: `wait is false; the latest revision ${name} is not ready yet: Processing (health None, 0 replicas, provisioning Provisioning)`
    })
    expect(check(run, 'variables')).toMatchObject({
      status: 'passed',
      evidence: expect.stringContaining('in the app template (wait is false)')
    })
    expect(revisionGets(world).filter(e => e.path.endsWith(`/revisions/${name}`))).toHaveLength(1)
  })
})

describe('a new revision that ends without becoming ready, while the update succeeds', () => {
  it.each([
    ['Degraded', 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    ['ActivationFailed', 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    ['Failed', "Container 'api' was terminated with exit code '1' and reason 'ProcessExited'"],
    ['Stopped', 'the revision is inactive (deactivated) and serves no traffic']
  ] as const)(
    '%s: the run fails at once, naming the state and its details',
    async (runningState, details) => {
      world = await startWorld({ latency: { revisionReadyMs: REVISION_MS }, app: { containers: CONTAINERS } })
      const readyBefore = world.sandbox.getContainerApp(APP_RG, APP).properties.latestReadyRevisionName
      world.sandbox.endRevisions(APP_RG, APP, { runningState })
      // A deadline far beyond the revision's time: only reading the state can end this run early.
      const run = await world.run({ 'timeout-minutes': '30' })

      expect(run.exitCode).toBe(1)
      expect(run.outputs.verified).toBe('false')
      const revision = latestRevision(world)
      // The update's own operation succeeded: only the revision says the containers did not start.
      expect(world.sandbox.getContainerApp(APP_RG, APP).properties).toMatchObject({
        provisioningState: 'Succeeded',
        latestRevisionName: revision?.name,
        latestReadyRevisionName: readyBefore
      })
      expect(run.result.failure?.title).toBe('New revision')
      expect(run.result.failure?.message).toContain(
        `Revision ${revision?.name} is ${runningState}: ${details}`
      )
      expect(run.result.failure?.message).not.toMatch(/timeout-minutes|timed out/i)
      expect(run.result.steps.find(s => s.id === 'revision')?.status).toBe('failed')
      expect(run.summary).toContain(runningState)
      expect(run.errors.some(e => e.message.includes(runningState))).toBe(true)

      // It stopped at the first read that showed the end state.
      const { createdAt, settledAt } = revisionTimes(world)
      const after = revisionGets(world).filter(e => e.startedAt >= settledAt)
      expect(revisionGets(world).some(e => e.startedAt >= createdAt && e.startedAt < settledAt)).toBe(true)
      expect(after).toHaveLength(1)
    }
  )

  it('mode: verify names the Degraded latest revision and its details', async () => {
    world = await startWorld({ app: { containers: CONTAINERS } })
    world.sandbox.endRevisions(APP_RG, APP, { runningState: 'Degraded' })
    const applied = await world.run()
    expect(applied.exitCode).toBe(1)

    const verified = await world.run({ mode: 'verify' })
    expect(verified.outputs.verified).toBe('false')
    const revision = latestRevision(world)
    expect(check(verified, 'revision')).toMatchObject({
      status: 'failed',
      evidence: expect.stringContaining(
        `Revision ${revision?.name} is Degraded: Deployment Progress Deadline Exceeded. 0/1 replicas ready.`
      )
    })
  })
})
