// End to end: a rerun right after the runner cancelled a run (SIGINT), at each point of the run that leaves Azure
// half done, with a revision slow enough (20 s) that the cancelled run's revision is still starting when the rerun
// reads the app. The rerun writes only what is missing, waits for the revision that is still starting (it is the one
// the app serves once ready), verifies it, and passes. The same for another deploy's revision in flight, and for
// mode: verify.
import { afterEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import {
  APP,
  APP_RG,
  armWrites,
  envOf,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { modularOptions, workflowCredential } from '../sandbox/helpers.ts'

afterEach(stopWorlds)

/** Slow enough that a rerun started at once finds the cancelled run's revision Processing or Activating. */
const REVISION_MS = 20_000
/** Each write's operation outlasts the moment the runner's SIGINT arrives, so the run stops inside it. */
const LATENCY = {
  revisionReadyMs: REVISION_MS,
  identityUpdateMs: 3000,
  assignmentMs: 3000,
  appUpdateMs: 3000
}
const CONTAINERS = [
  { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
]

type LogEntry = Sandbox['requestLog'][number]
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function bodyHas(e: LogEntry, key: string): boolean {
  return typeof e.body === 'object' && e.body !== null && key in e.body
}
const identityPatch = (e: LogEntry) => e.operation === 'containerApps.update' && bodyHas(e, 'identity')
const templatePatch = (e: LogEntry) => e.operation === 'containerApps.update' && bodyHas(e, 'properties')

/** Resolves once the sandbox has seen a request that matches (polled: the action runs in another process). */
async function untilRequest(sandbox: Sandbox, matches: (e: LogEntry) => boolean): Promise<void> {
  while (!sandbox.requestLog.some(matches)) await sleep(50)
}

/** The ARM writes a run made (armWrites, from the run's start). */
const writesSince = (sandbox: Sandbox, since: number) => {
  const writes = new Set(armWrites(sandbox))
  return sandbox.requestLog.filter(e => writes.has(e) && e.startedAt >= since)
}
const latestRevision = (w: World) => w.sandbox.listRevisions(APP_RG, APP).at(-1)
const failedChecks = (run: ActionRun) => run.result.checks.filter(c => c.status === 'failed')

interface KillPoint {
  name: string
  /** Settles when the runner should cancel the first run. */
  reached(w: World): Promise<void>
}

const KILL_POINTS: KillPoint[] = [
  { name: 'the identity PATCH', reached: w => untilRequest(w.sandbox, identityPatch) },
  {
    name: 'the assignment PUT',
    reached: w => untilRequest(w.sandbox, e => e.operation === 'accessPolicyAssignments.createUpdate')
  },
  {
    name: 'the template PATCH (the revision Processing)',
    reached: w => untilRequest(w.sandbox, templatePatch)
  },
  {
    name: 'the template PATCH, once the revision is Activating',
    reached: async w => {
      await untilRequest(w.sandbox, templatePatch)
      while (latestRevision(w)?.properties.runningState !== 'Activating') await sleep(100)
    }
  },
  {
    name: 'the first read of the new revision (the revision wait)',
    reached: w => untilRequest(w.sandbox, e => e.operation === 'containerAppsRevisions.get')
  }
]

describe('a rerun right after a cancelled run converges and passes', () => {
  it.each(KILL_POINTS.map(p => [p.name, p] as const))(
    'cancelled after %s',
    async (_name, point) => {
      const world = await startWorld({ latency: LATENCY, app: { containers: CONTAINERS } })
      const { sandbox } = world
      const seeded = latestRevision(world)?.name

      const cancelled = await world.run({}, { cancel: point.reached(world) })
      expect(cancelled.signalsSent).toEqual(['SIGINT'])
      expect(cancelled.exitCode).toBe(1)
      expect(cancelled.result.failure?.message).toMatch(/The runner cancelled the run \(SIGINT\)/)
      const patchedBefore = sandbox.requestLog.some(templatePatch)

      const atRerun = sandbox.getContainerApp(APP_RG, APP).properties
      const rerun = await world.run()
      const rerunWrites = writesSince(sandbox, rerun.spawnedAt)

      expect(failedChecks(rerun)).toEqual([])
      expect(rerun.exitCode).toBe(0)
      expect(rerun.outputs.verified).toBe('true')
      // One revision with the variables over both runs, and it is the one the app serves.
      const revisions = sandbox.listRevisions(APP_RG, APP)
      expect(revisions.map(r => r.name)).toEqual([seeded, expect.any(String)])
      const made = revisions[1]
      expect(rerun.outputs.revision).toBe(made.name)
      expect(sandbox.getContainerApp(APP_RG, APP).properties.latestReadyRevisionName).toBe(made.name)
      expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api')).toMatchObject({
        LOG_LEVEL: 'info',
        REDIS_HOST: rerun.outputs['redis-host'],
        REDIS_PORT: rerun.outputs['redis-port'],
        REDIS_OBJECT_ID: rerun.outputs['principal-id']
      })
      expect(rerun.result.checks.find(c => c.id === 'variables')?.evidence).toContain(`revision ${made.name}`)

      const revisionStep = rerun.result.steps.find(s => s.id === 'revision')
      if (patchedBefore) {
        // The cancelled run's revision was still starting when the rerun read the app: the race is real.
        expect(atRerun.latestRevisionName).toBe(made.name)
        expect(atRerun.latestReadyRevisionName).toBe(seeded)
        // The rerun wrote no template: it waited for that revision, as a new one is waited for.
        expect(rerunWrites.filter(e => e.operation === 'containerApps.update')).toEqual([])
        expect(revisionStep).toMatchObject({
          title: 'Revision started before this run',
          status: 'done',
          before: seeded,
          after: made.name,
          detail: expect.stringContaining('ready: ScaledToZero')
        })
        expect(rerun.stdout).toContain(`Revision ${made.name}, made before this run`)
      } else {
        expect(revisionStep).toMatchObject({ title: 'New revision', status: 'created', after: made.name })
      }
    },
    120_000
  )
})

/** Another deploy (an image update that keeps every variable, as `az containerapp update --image` does). */
async function deployImage(w: World, image: string): Promise<void> {
  const apps = new ContainerAppsAPIClient(
    workflowCredential(w.sandbox, w.workflow.clientId),
    w.sandbox.subscriptionId,
    modularOptions(w.sandbox)
  )
  const app = await apps.containerApps.get(APP_RG, APP)
  const containers = (app.template?.containers ?? []).map(c => ({ ...c, image }))
  await apps.containerApps.update(APP_RG, APP, { location: app.location, template: { containers } })
}

describe("another deploy's revision still starting", () => {
  it('apply waits for it, since it carries the variables and will take the traffic, and verifies it', async () => {
    const world = await startWorld({ app: { containers: CONTAINERS } })
    expect((await world.run()).outputs.verified).toBe('true')
    world.sandbox.setLatency({ revisionReadyMs: REVISION_MS })
    await deployImage(world, 'ghcr.io/octo-org/orders:2')
    const deployed = latestRevision(world)?.name

    const run = await world.run()
    expect(failedChecks(run)).toEqual([])
    expect(run.exitCode).toBe(0)
    expect(run.outputs.changed).toBe('false')
    expect(run.outputs.revision).toBe(deployed)
    expect(run.result.steps.find(s => s.id === 'revision')).toMatchObject({ status: 'done', after: deployed })
    expect(run.result.checks.find(c => c.id === 'revision')?.evidence).toContain(`${deployed}: ScaledToZero`)
  }, 90_000)

  it('mode: verify waits for it with wait: true, and says it is still starting with wait: false', async () => {
    const world = await startWorld({ app: { containers: CONTAINERS } })
    expect((await world.run()).outputs.verified).toBe('true')
    world.sandbox.setLatency({ revisionReadyMs: REVISION_MS })
    await deployImage(world, 'ghcr.io/octo-org/orders:2')
    const deployed = latestRevision(world)?.name

    const quick = await world.run({ mode: 'verify', wait: 'false' })
    expect(quick.result.checks.find(c => c.id === 'revision')).toMatchObject({
      status: 'skipped',
      evidence: expect.stringMatching(
        new RegExp(
          `^wait is false; the latest revision ${deployed} is not ready yet: (Processing|Activating)`
        )
      )
    })
    expect(writesSince(world.sandbox, quick.spawnedAt)).toEqual([])

    const waited = await world.run({ mode: 'verify' })
    expect(failedChecks(waited)).toEqual([])
    expect(waited.exitCode).toBe(0)
    expect(waited.outputs.revision).toBe(deployed)
    expect(waited.result.steps.find(s => s.id === 'revision')).toMatchObject({
      title: 'Revision started before this run',
      status: 'done'
    })
    expect(writesSince(world.sandbox, waited.spawnedAt)).toEqual([])
  }, 90_000)
})
