// The revision wait on a simulated clock: which states end it, how often it reads ARM, how late it sees a ready
// revision, and what it logs while it waits. Time only moves when the wait sleeps or a request takes its round trip.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  REVISION_POLL_FLOOR_MS,
  RevisionFailedError,
  revisionPollIntervalMs,
  waitForRevision
} from '../../src/apply/revision.js'
import { waitLong } from '../../src/apply/long-wait.js'
import { withRetry } from '../../src/azure/retry.js'
import { Deadline, DeadlineExceededError } from '../../src/deadline.js'
import { readRevisionState } from '../../src/domain/revision.js'
import type { RunContext } from '../../src/run-context.js'

const NAME = 'orders-api--v2'
const ROUND_TRIP_MS = 100

interface Shown {
  provisioningState: string
  runningState: string
  healthState: string
  replicas: number
  runningStateDetails?: string
}

const activating: Shown = {
  provisioningState: 'Provisioned',
  runningState: 'Activating',
  healthState: 'None',
  replicas: 0
}
const scaledToZero: Shown = {
  provisioningState: 'Provisioned',
  runningState: 'ScaledToZero',
  healthState: 'Healthy',
  replicas: 0
}

/** A revision that shows `before` until `atMs` into the wait, then `after`; the app follows when it is ready. */
function simulate(atMs: number, after: Shown, o: { before?: Shown; timeoutMs?: number } = {}) {
  let now = 0
  const shown = () => (now >= atMs ? after : (o.before ?? activating))
  const getRevision = jest.fn(
    async (_rg: string, _app: string, name: string, options: { onResponse?: (r: unknown) => void }) => {
      now += ROUND_TRIP_MS
      const { runningStateDetails, ...state } = shown()
      options.onResponse?.({ parsedBody: { name, properties: { ...state, runningStateDetails } } })
      return { name, ...state }
    }
  )
  const get = jest.fn(async () => {
    now += ROUND_TRIP_MS
    return {
      latestRevisionName: NAME,
      latestReadyRevisionName: readyState(shown()) ? NAME : 'orders-api--v1'
    }
  })
  const ctx = {
    target: { kind: 'app', name: 'orders-api', resourceGroup: 'rg-apps' },
    clients: { apps: { containerAppsRevisions: { getRevision }, containerApps: { get } } },
    deadline: new Deadline(o.timeoutMs ?? 20 * 60_000, () => now),
    sleep: async (ms: number) => {
      now += ms
    },
    pollIntervalMs: 1000
  } as unknown as RunContext
  return { ctx, getRevision, get, clock: () => now }
}

const readyState = (s: Shown) => readRevisionState(s).phase === 'ready'

/** What the wait logs (core.info writes to stdout); kept out of the test output. */
let logged: string[] = []
beforeEach(() => {
  logged = []
  jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    logged.push(String(chunk))
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('which revision states end the wait', () => {
  it.each([
    ['ScaledToZero (minReplicas 0, the default)', scaledToZero],
    ['RunningAtMaxScale', { ...scaledToZero, runningState: 'RunningAtMaxScale', replicas: 2 }],
    ['Running', { ...scaledToZero, runningState: 'Running', replicas: 1 }]
  ])('%s is ready', async (_, state) => {
    const run = simulate(5_000, state)
    const outcome = await waitForRevision(run.ctx, NAME)
    expect(outcome.revision.runningState).toBe(state.runningState)
    expect(outcome.app.latestReadyRevisionName).toBe(NAME)
  })

  it.each([
    ['Degraded', 'Unhealthy', 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    ['ActivationFailed', 'Unhealthy', 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'],
    ['Failed', 'Unhealthy', "Container 'api' was terminated with exit code '1' and reason 'ProcessExited'"]
  ])(
    '%s fails at the first poll that sees it, naming the state and its details',
    async (state, health, details) => {
      const run = simulate(90_000, {
        provisioningState: 'Provisioned',
        runningState: state,
        healthState: health,
        replicas: 0,
        runningStateDetails: details
      })
      const failure = waitForRevision(run.ctx, NAME)
      await expect(failure).rejects.toThrow(RevisionFailedError)
      await expect(failure).rejects.toThrow(`Revision ${NAME} is ${state}: ${details}`)
      // Seen within one poll of appearing, 18 minutes before the deadline.
      expect(run.clock()).toBeLessThan(90_000 + revisionPollIntervalMs(90_000) + 2 * ROUND_TRIP_MS)
    }
  )

  it('Stopped (a deactivated revision, which still reads Healthy) fails, saying it serves no traffic', async () => {
    const run = simulate(10_000, { ...scaledToZero, runningState: 'Stopped' })
    await expect(waitForRevision(run.ctx, NAME)).rejects.toThrow(
      `Revision ${NAME} is Stopped: the revision is inactive (deactivated) and serves no traffic`
    )
  })

  it("keeps Azure's words on one line (a line break could start a workflow command in the log)", async () => {
    const run = simulate(2_000, {
      ...scaledToZero,
      runningState: 'Degraded',
      healthState: 'Unhealthy',
      runningStateDetails: 'replicas not ready\n::error::injected'
    })
    await expect(waitForRevision(run.ctx, NAME)).rejects.toThrow(
      `Revision ${NAME} is Degraded: replicas not ready ::error::injected`
    )
  })

  it('a revision that failed to provision fails with its provisioning error', async () => {
    const run = simulate(3_000, {
      provisioningState: 'Failed',
      runningState: 'Failed',
      healthState: 'Unhealthy',
      replicas: 0
    })
    await expect(waitForRevision(run.ctx, NAME)).rejects.toThrow(`Revision ${NAME} is provisioning Failed`)
  })

  it('Processing, Activating and states this action does not know keep it waiting until the deadline', async () => {
    const run = simulate(Infinity, scaledToZero, {
      before: { ...activating, runningState: 'SomethingNew' },
      timeoutMs: 60_000
    })
    const failure = waitForRevision(run.ctx, NAME)
    await expect(failure).rejects.toThrow(DeadlineExceededError)
    await expect(failure).rejects.toThrow(
      `last seen: SomethingNew (health None, 0 replicas, provisioning Provisioned)`
    )
  })

  it('a ready revision that is not yet the app’s latest ready one keeps it waiting', async () => {
    const run = simulate(0, scaledToZero)
    let answered = 0
    run.get.mockImplementation(async () => ({
      latestRevisionName: NAME,
      latestReadyRevisionName: ++answered < 3 ? 'orders-api--v1' : NAME
    }))
    await waitForRevision(run.ctx, NAME)
    expect(run.get).toHaveBeenCalledTimes(3)
  })
})

describe('how it polls', () => {
  // A revision takes 30–120 s on Azure; the wait starts when the PATCH's operation has succeeded.
  const readyAfter = [45_000, 60_000, 60_400, 60_900, 61_300, 90_000, 120_000, 300_000, 900_000]

  it.each(readyAfter)(
    'a revision ready after %i ms: one GET per poll, under one read per second, and seen within 3 %',
    async readyMs => {
      const run = simulate(readyMs, scaledToZero)
      await waitForRevision(run.ctx, NAME)
      const reads = run.getRevision.mock.calls.length + run.get.mock.calls.length
      expect(run.get).toHaveBeenCalledTimes(1)
      expect(reads / (run.clock() / 1000)).toBeLessThan(1)
      const late = run.clock() - readyMs
      // A minute or more: within 3 %. Shorter ones: within one shortest pause and the two reads.
      if (readyMs >= 60_000) expect(late / readyMs).toBeLessThanOrEqual(0.03)
      else expect(late).toBeLessThanOrEqual(REVISION_POLL_FLOOR_MS + 2 * ROUND_TRIP_MS)
    }
  )

  it('the interval starts at 1.5 s and grows with the time waited (2.5 %), up to 10 s', () => {
    expect(revisionPollIntervalMs(0)).toBe(1500)
    expect(revisionPollIntervalMs(60_000)).toBe(1500)
    expect(revisionPollIntervalMs(120_000)).toBe(3000)
    expect(revisionPollIntervalMs(3_600_000)).toBe(10_000)
  })

  it('says every 20–30 s what it waits for, the state it last saw and how long it has waited', async () => {
    const run = simulate(125_000, scaledToZero)
    await waitForRevision(run.ctx, NAME)
    const progress = logged.filter(l => l.startsWith(`Waiting for revision ${NAME} to become ready (`))
    expect(progress.length).toBeGreaterThanOrEqual(4)
    expect(progress.length).toBeLessThanOrEqual(6)
    expect(progress[0]).toMatch(
      /\(2\d s so far\): Activating \(health None, 0 replicas, provisioning Provisioned\)\./
    )
    const seconds = progress.map(l => Number(/\((\d+) s so far\)/.exec(l)?.[1]))
    for (let i = 1; i < seconds.length; i++) {
      expect(seconds[i] - seconds[i - 1]).toBeGreaterThanOrEqual(20)
      expect(seconds[i] - seconds[i - 1]).toBeLessThanOrEqual(30)
    }
  })
})

describe("the long waits run on the deadline's clock and the injected sleep", () => {
  it('waitLong (the Entra wait) looks, logs progress and gives up by the fake clock alone', async () => {
    let now = 0
    const deadline = new Deadline(10 * 60_000, () => now)
    const sleep = jest.fn(async (ms: number) => {
      now += ms
    })
    const looks: number[] = []
    const wait = waitLong<string>({
      waitingFor: 'Microsoft Entra authentication on cache c',
      pollMs: 30_000,
      progressMs: 20_000,
      deadline,
      sleep,
      look: async () => {
        looks.push(now)
        return { done: false, seen: 'cache provisioningState ConfiguringAAD' }
      }
    })
    await expect(wait).rejects.toThrow(DeadlineExceededError)
    // Ten simulated minutes: a look every 30 s, the last at the deadline; only the fake sleep let time pass.
    expect(looks).toEqual(Array.from({ length: 21 }, (_, i) => i * 30_000))
    expect(now).toBe(10 * 60_000)
    const progress = logged.join('').match(/\(([^)]*) so far\)/g)
    expect(progress?.slice(0, 3)).toEqual(['(20 s so far)', '(40 s so far)', '(1 min 0 s so far)'])
  })

  it('a busy app, then the revision wait: withRetry and waitForRevision share one fake clock', async () => {
    const run = simulate(60_000, scaledToZero)
    let calls = 0
    await withRetry(
      async () => {
        if (++calls < 3)
          throw Object.assign(new Error('in progress'), {
            statusCode: 409,
            code: 'ContainerAppOperationInProgress'
          })
      },
      { deadline: run.ctx.deadline, sleep: run.ctx.sleep, what: 'patch', random: () => 1, baseDelayMs: 1000 }
    )
    expect(run.clock()).toBe(3_000)
    const outcome = await waitForRevision(run.ctx, NAME)
    expect(outcome.app.latestReadyRevisionName).toBe(NAME)
    // Ready at 60 s on the fake clock, seen within a poll of it.
    expect(run.clock()).toBeGreaterThanOrEqual(60_000)
    expect(run.clock()).toBeLessThan(60_000 + revisionPollIntervalMs(60_000) + 2 * ROUND_TRIP_MS)
  })
})

describe('a newer revision made by another deploy', () => {
  const OLD = 'orders-api--v1'
  const THEIRS = 'orders-api--v3'
  const createdAt: Record<string, Date> = {
    [OLD]: new Date('2026-11-29T08:00:00Z'),
    [NAME]: new Date('2026-11-29T08:05:00Z'),
    [THEIRS]: new Date('2026-11-29T08:05:02Z')
  }
  const stopped: Shown = { ...scaledToZero, runningState: 'Stopped' }

  /** The revisions as `shown` says; the app's answers in turn (the last one repeats). */
  function world(
    shown: Record<string, Shown>,
    apps: { latestRevisionName: string; latestReadyRevisionName: string }[]
  ) {
    let now = 0
    const getRevision = jest.fn(async (_rg: string, _app: string, name: string) => {
      now += ROUND_TRIP_MS
      return { name, createdTime: createdAt[name], ...shown[name] }
    })
    const get = jest.fn(async () => {
      now += ROUND_TRIP_MS
      return apps.length > 1 ? (apps.shift() ?? apps[0]) : apps[0]
    })
    const ctx = {
      target: { kind: 'app', name: 'orders-api', resourceGroup: 'rg-apps' },
      clients: { apps: { containerAppsRevisions: { getRevision }, containerApps: { get } } },
      deadline: new Deadline(20 * 60_000, () => now),
      sleep: async (ms: number) => {
        now += ms
      },
      pollIntervalMs: 1000
    } as unknown as RunContext
    return { ctx, getRevision, get }
  }

  it('deactivated ours (Stopped): the wait follows the newer one and says it was replaced', async () => {
    const { ctx, getRevision } = world({ [NAME]: stopped, [THEIRS]: scaledToZero }, [
      { latestRevisionName: THEIRS, latestReadyRevisionName: THEIRS }
    ])
    const outcome = await waitForRevision(ctx, NAME)
    expect(outcome.replaced).toEqual({ revision: NAME, by: THEIRS })
    expect(outcome.revision.name).toBe(THEIRS)
    expect(getRevision.mock.calls.map(c => c[2])).toEqual([NAME, THEIRS, THEIRS])
    expect(logged.join('')).toContain(`Revision ${NAME} was replaced by ${THEIRS}`)
  })

  it('an app answer that names an older revision is not taken for a replacement', async () => {
    const { ctx } = world({ [NAME]: scaledToZero, [OLD]: stopped }, [
      { latestRevisionName: OLD, latestReadyRevisionName: OLD },
      { latestRevisionName: NAME, latestReadyRevisionName: NAME }
    ])
    const outcome = await waitForRevision(ctx, NAME)
    expect(outcome.replaced).toBeUndefined()
    expect(outcome.revision.name).toBe(NAME)
  })

  it('ours failed to start (Degraded): it fails at once, naming ours, without looking for a newer one', async () => {
    const { ctx, get } = world(
      { [NAME]: { ...activating, runningState: 'Degraded', healthState: 'Unhealthy' } },
      [{ latestRevisionName: NAME, latestReadyRevisionName: OLD }]
    )
    await expect(waitForRevision(ctx, NAME)).rejects.toThrow(`Revision ${NAME} is Degraded`)
    expect(get).not.toHaveBeenCalled()
  })
})
