import { describe, expect, it } from '@jest/globals'
import { Deadline } from '../../src/deadline.js'

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
