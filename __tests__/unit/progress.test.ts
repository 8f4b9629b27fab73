// The progress lines of long waits: what is awaited, the state last seen, the time waited; on fake timers, so
// nothing here depends on how fast the machine is.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { Deadline } from '../../src/deadline.js'
import { quietCore } from './quiet-core.ts'

await quietCore()
const { withRetry } = await import('../../src/azure/retry.js')
const { formatElapsed, speaksForItself, startProgress, withProgress } = await import('../../src/progress.js')

let now = 0
const lines: string[] = []
const options = { intervalMs: 20_000, log: (line: string) => lines.push(line), now: () => now }
/** Moves the clock and the timers together, a second at a time. */
const pass = (ms: number): void => {
  for (let left = ms; left > 0; left -= 1000) {
    now += Math.min(1000, left)
    jest.advanceTimersByTime(Math.min(1000, left))
  }
}

beforeEach(() => {
  jest.useFakeTimers()
  now = 0
  lines.length = 0
})
afterEach(() => {
  jest.useRealTimers()
})

describe('progress lines', () => {
  it('say what is awaited, the state last seen and the time waited, every interval; a short wait says nothing', () => {
    const progress = startProgress('revision orders-api--abc to become ready', options)
    pass(19_000)
    expect(lines).toEqual([])
    progress.seen('provisioning Provisioning, running Activating')
    pass(1_000)
    pass(60_000)
    expect(lines).toEqual([
      'Still waiting for revision orders-api--abc to become ready: provisioning Provisioning, running Activating [20s elapsed]',
      'Still waiting for revision orders-api--abc to become ready: provisioning Provisioning, running Activating [40s elapsed]',
      'Still waiting for revision orders-api--abc to become ready: provisioning Provisioning, running Activating [1m00s elapsed]',
      'Still waiting for revision orders-api--abc to become ready: provisioning Provisioning, running Activating [1m20s elapsed]'
    ])
    progress.stop()
    pass(60_000)
    expect(lines).toHaveLength(4)
  })

  it('a wait inside another speaks for it while it lasts, so nested waits print one line', async () => {
    let release: () => void = () => undefined
    const outer = withProgress(
      'orders-api: redis access policy assignment',
      async () => {
        const inner = startProgress('the cache to take the assignment of orders-api', options)
        inner.seen('1 write of other apps ahead in the queue')
        await new Promise<void>(resolve => {
          release = () => {
            inner.stop()
            resolve()
          }
        })
        await new Promise<void>(resolve => setTimeout(resolve, 40_000))
      },
      options
    )
    await Promise.resolve()
    pass(40_000)
    release()
    await Promise.resolve()
    await Promise.resolve()
    pass(40_000)
    await outer
    expect(lines).toEqual([
      'Still waiting for the cache to take the assignment of orders-api: 1 write of other apps ahead in the queue [20s elapsed]',
      'Still waiting for the cache to take the assignment of orders-api: 1 write of other apps ahead in the queue [40s elapsed]',
      'Still waiting for orders-api: redis access policy assignment [1m00s elapsed]',
      'Still waiting for orders-api: redis access policy assignment [1m20s elapsed]'
    ])
  })

  it('a wait that prints its own lines (the revision wait) keeps the step around it quiet while it runs', async () => {
    let release: () => void = () => undefined
    const step = withProgress(
      'orders-api: New revision',
      () =>
        speaksForItself(
          () =>
            new Promise<void>(resolve => {
              release = resolve
            })
        ),
      options
    )
    await Promise.resolve()
    pass(60_000)
    expect(lines).toEqual([])
    release()
    await step
    pass(60_000)
    expect(lines).toEqual([])
  })

  it('a retry inside a wait tells it why it waits (busy, not yet replicated)', async () => {
    const busy = Object.assign(new Error('The resource is busy processing a previous update request'), {
      statusCode: 409,
      code: 'Conflict'
    })
    let calls = 0
    await withProgress(
      'orders-api: redis access policy assignment',
      () =>
        withRetry(
          async () => {
            if (++calls < 3) throw busy
            return 'done'
          },
          {
            deadline: new Deadline(600_000),
            what: 'create the access policy assignment',
            random: () => 1,
            sleep: async () => pass(20_000)
          }
        ),
      options
    )
    expect(lines).toEqual([
      'Still waiting for orders-api: redis access policy assignment: the resource is busy with an earlier update; retrying (attempt 2) [20s elapsed]',
      'Still waiting for orders-api: redis access policy assignment: the resource is busy with an earlier update; retrying (attempt 3) [40s elapsed]'
    ])
  })

  it('formats the time as long-running tools do', () => {
    expect([0, 999, 45_000, 60_000, 65_000, 754_000].map(formatElapsed)).toEqual([
      '0s',
      '0s',
      '45s',
      '1m00s',
      '1m05s',
      '12m34s'
    ])
  })
})
