// A burst of 503s (about 5 s) on a read, on the revision poll or on Entra: the run waits it out, as it does for
// writes, instead of failing with minutes of budget left.
import { afterEach, expect, it } from '@jest/globals'
import { APP, APP_RG, CACHE, CACHE_RG, envOf, startWorld, stopWorlds } from '../../launcher/world.ts'

afterEach(stopWorlds)

const BURST_MS = 5000

const READS = [
  { name: 'the app GET', method: 'GET', path: /containerApps\/orders-api$/, service: 'arm' },
  { name: 'the revision poll', method: 'GET', path: /revisions\/[^/]+$/, service: 'arm' },
  { name: 'the Entra token endpoint', method: 'POST', path: /oauth2\/v2\.0\/token$/, service: 'entra' }
] as const

it.each(READS.map(r => [r.name, r] as const))(
  'a 5-second burst of 503s on %s converges in one run',
  async (_name, read) => {
    const world = await startWorld({ latency: { revisionReadyMs: 2000 } })
    world.sandbox.faults.add({
      method: read.method,
      path: read.path,
      kind: 'status',
      status: 503,
      code: 'ServiceUnavailable',
      forMs: BURST_MS
    })
    const run = await world.run({ 'timeout-minutes': '5' })
    expect(run.result.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    // The burst really happened, and was answered more than once with 503.
    const refused = world.sandbox.requestLog.filter(
      e =>
        e.service === read.service && e.method === read.method && read.path.test(e.path) && e.status === 503
    )
    expect(refused.length).toBeGreaterThanOrEqual(3)
    // Each retry is in the log, with what was retried.
    expect(run.stdout).toMatch(/answered 503 to (GET|POST) .*retrying/)
    const app = world.sandbox.getContainerApp(APP_RG, APP)
    expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
    expect(world.sandbox.listAssignments(CACHE_RG, CACHE)).toHaveLength(1)
  },
  90_000
)
