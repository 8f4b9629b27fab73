// One deadline bounds everything: hanging GitHub OIDC, Entra and Redis endpoints with timeout-minutes: 1, and a
// run the runner cancels (SIGINT, as actions/runner does), which still writes its summary and outputs.
// The hangs run the bundle, each in a process of its own: they run at once, and show that the process itself
// ends within timeout-minutes. A cancellation runs in this process (signalled through run()'s signals) and, once,
// as the bundle that gets a real SIGINT.
import { describe, expect, it } from '@jest/globals'
import {
  CACHE,
  CACHE_RG,
  everyRunAsBundle,
  startWorld,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import type { Sandbox } from '../../sandbox/index.ts'

const MINUTE = 60_000
/** A hanging endpoint answers after ten minutes: far past every deadline below. */
const HANG = { kind: 'delay' as const, delayMs: 10 * MINUTE, times: 100 }

/** The run stopped by itself (no signal, exit code 1) and published a result that says why. */
function expectCleanStop(run: ActionRun): void {
  expect(run.signal).toBeNull()
  expect(run.exitCode).toBe(1)
  expect(run.outputs.result).toBeDefined()
  expect(run.summary.length).toBeGreaterThan(0)
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
}

/** Resolves once the sandbox has seen a request that matches (polled: the action runs in another process). */
async function untilRequest(sandbox: Sandbox, matches: (e: Sandbox['requestLog'][number]) => boolean) {
  await until(() => sandbox.requestLog.some(matches))
}

async function until(holds: () => boolean): Promise<void> {
  while (!holds()) await new Promise(resolve => setTimeout(resolve, 50))
}

async function withWorld<T>(
  options: Parameters<typeof startWorld>[0],
  use: (w: World) => Promise<T>
): Promise<T> {
  const world = await startWorld(options)
  try {
    return await use(world)
  } finally {
    await world.stop()
  }
}

type Hang = {
  name: string
  arrange(w: World): Promise<void>
  inputs?: Record<string, string>
  /** where the run says what it was waiting for */
  said(run: ActionRun): string | undefined
  waitingFor: RegExp
}

const HANGS: Hang[] = [
  {
    name: 'GitHub OIDC token endpoint',
    arrange: async w => w.sandbox.faults.add({ method: 'GET', path: /idtoken/, ...HANG }),
    said: run => run.result.failure?.message,
    waitingFor: /timeout-minutes ran out while waiting for the GitHub OIDC token/
  },
  {
    name: 'Entra token endpoint',
    arrange: async w => w.sandbox.faults.add({ method: 'POST', path: /oauth2\/v2\.0\/token/, ...HANG }),
    said: run => run.result.failure?.message,
    waitingFor: /timeout-minutes ran out while waiting for a Microsoft Entra token/
  },
  {
    name: 'Redis that completes TLS and then never answers (probe-redis)',
    arrange: async w => {
      await w.sandbox.silenceDataPlane()
    },
    inputs: { 'probe-redis': 'true' },
    said: run => run.result.checks.find(c => c.id === 'probe-redis')?.evidence,
    waitingFor: /timeout-minutes ran out while waiting for Redis at localhost:\d+ to answer/
  }
]

describe('timeout-minutes: 1 bounds every network wait', () => {
  // Concurrent: each run waits out its minute, mostly idle, so the three share that minute.
  it.concurrent.each(HANGS.map(h => [h.name, h] as const))(
    'a hanging %s: the run ends within timeout-minutes plus a few seconds and says what it waited for',
    async (_name, hang) => {
      const run = await withWorld({}, async w => {
        await hang.arrange(w)
        return w.run({ 'timeout-minutes': '1', ...hang.inputs }, { bundle: true })
      })
      expectCleanStop(run)
      expect(hang.said(run)).toMatch(hang.waitingFor)
      expect(run.summary).toContain('timeout-minutes ran out')
      // It waited for the deadline, and not much past it: a bound relative to the configured timeout.
      const ratio = run.durationMs / MINUTE
      expect(ratio).toBeGreaterThanOrEqual(1)
      expect(ratio).toBeLessThan(1.1)
    },
    150_000
  )
})

describe('cancellation (SIGINT from the runner)', () => {
  it.each([
    ['in this process', false],
    ['the bundle, signalled as a process', true]
  ])(
    'during the revision wait (%s): stops, and writes the summary and outputs of what happened so far',
    async (_how, bundle) => {
      const run = await withWorld({ latency: { revisionReadyMs: 5 * MINUTE } }, async w => {
        // The assignment is written alongside the variables: the cancel waits until Azure has it and the run has
        // polled the revision a few times since, so the assignment's own poll has seen it done on a loaded machine too.
        const revisionPolls = () =>
          w.sandbox.requestLog.filter(e => e.operation === 'containerAppsRevisions.get').length
        const assignmentDone = () =>
          w.sandbox.listAssignments(CACHE_RG, CACHE).some(a => a.properties.provisioningState === 'Succeeded')
        const cancel = (async () => {
          await until(assignmentDone)
          const seen = revisionPolls()
          await until(() => revisionPolls() >= seen + 3)
        })()
        return w.run({}, { cancel, bundle })
      })
      expect(run.ranAs).toBe(bundle || everyRunAsBundle() ? 'bundle' : 'in-process')
      expectCleanStop(run)
      // It stopped on SIGINT: the runner's SIGTERM, 7.5 s later, was never needed.
      expect(run.signalsSent).toEqual(['SIGINT'])
      expect(run.result.failure?.message).toMatch(
        /The runner cancelled the run \(SIGINT\) while waiting for revision .*; last seen: .*provisioning Provisioning/
      )
      // What happened before the cancel is in the outputs and the summary.
      const status = (id: string) => run.result.steps.find(s => s.id === id)?.status
      expect(status('identity')).toBe('updated')
      expect(status('assignment')).toBe('created')
      expect(status('variables')).toBe('updated')
      expect(status('revision')).toBe('failed')
      expect(run.outputs['principal-id']).toMatch(/^[0-9a-f-]{36}$/)
      expect(run.outputs.changed).toBe('true')
      expect(run.outputs.verified).toBe('false')
      expect(run.summary).toContain('cancelled the run (SIGINT)')
    },
    60_000
  )

  it('during a hanging GitHub OIDC request: stops at once, with the summary and outputs', async () => {
    const run = await withWorld({}, async w => {
      w.sandbox.faults.add({ method: 'GET', path: /idtoken/, ...HANG })
      const asked = untilRequest(w.sandbox, e => e.service === 'oidc')
      return w.run({ 'timeout-minutes': '30' }, { cancel: asked })
    })
    expectCleanStop(run)
    expect(run.signalsSent).toEqual(['SIGINT'])
    expect(run.result.failure?.message).toMatch(
      /The runner cancelled the run \(SIGINT\) while waiting for the GitHub OIDC token/
    )
    expect(run.result.steps.find(s => s.id === 'sign-in')?.status).toBe('failed')
    // Nothing was written to Azure: the run never signed in.
    expect(run.outputs.changed).toBe('false')
  }, 60_000)
})
