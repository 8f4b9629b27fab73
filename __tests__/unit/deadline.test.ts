import { describe, expect, it } from '@jest/globals'
import { Deadline, DeadlineExceededError } from '../../src/deadline.js'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('Deadline', () => {
  it('aborts its signal when the budget runs out', async () => {
    const deadline = new Deadline(20)
    await sleep(80)
    expect(deadline.signal.aborted).toBe(true)
    expect(deadline.expired).toBe(true)
  })

  it('extend moves the end later: the signal outlives the first budget', async () => {
    const deadline = new Deadline(20)
    const firstEnd = deadline.endsAt
    deadline.extend(60_000)
    expect(deadline.endsAt - firstEnd).toBe(60_000)
    await sleep(80)
    expect(deadline.signal.aborted).toBe(false)
    expect(deadline.remainingMs()).toBeGreaterThan(50_000)
  })

  it('remainingMs counts down on the clock it is given', () => {
    let now = 1_000
    const deadline = new Deadline(5_000, () => now)
    now += 2_000
    expect(deadline.remainingMs()).toBe(3_000)
    deadline.extend(1_000)
    expect(deadline.remainingMs()).toBe(4_000)
  })
})

describe('Deadline: stops, races and cancellation', () => {
  it('race: a wait that outlives the deadline rejects with what it waited for', async () => {
    const deadline = new Deadline(50)
    const never = new Promise<string>(() => undefined)
    await expect(deadline.race(never, 'the GitHub OIDC token')).rejects.toMatchObject({
      name: 'DeadlineExceededError',
      waitingFor: 'the GitHub OIDC token'
    })
  })

  it('race: names the wait as it is when the stop comes, and forgets finished waits', async () => {
    const cancel = new AbortController()
    const cancellation = { signal: cancel.signal, by: 'SIGINT' }
    const deadline = new Deadline(60_000, undefined, { cancellation })
    let phase = 'the GitHub OIDC token'
    await expect(deadline.race(Promise.resolve(1), 'done quickly')).resolves.toBe(1)
    const waiting = deadline.race(new Promise(() => undefined), () => phase)
    expect(deadline.pendingWaits()).toEqual(['the GitHub OIDC token'])
    phase = 'a Microsoft Entra token'
    cancel.abort()
    const error = await waiting.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DeadlineExceededError)
    expect((error as DeadlineExceededError).waitingFor).toBe('a Microsoft Entra token')
    expect(deadline.cancelledBy).toBe('SIGINT')
    expect(deadline.expired).toBe(true)
  })

  it('counts from when the clock started (the process start), not from its construction', () => {
    const deadline = new Deadline(60_000, () => 1_030_000, { startedAt: 1_000_000 })
    expect(deadline.remainingMs()).toBe(30_000)
  })

  it('sleep ends early when the run stops', async () => {
    const cancel = new AbortController()
    const deadline = new Deadline(60_000, undefined, { cancellation: { signal: cancel.signal } })
    const slept = deadline.sleep(60_000)
    cancel.abort()
    await expect(slept).resolves.toBeUndefined()
  })
})
