/** The run's deadline (timeout-minutes): one AbortSignal that every SDK call and wait shares. */
export class Deadline {
  readonly endsAt: number
  readonly signal: AbortSignal
  private readonly clock: () => number

  constructor(totalMs: number, now: () => number = Date.now) {
    this.clock = now
    this.endsAt = now() + totalMs
    this.signal = AbortSignal.timeout(totalMs)
  }

  /** The clock the deadline runs on: waits measure their time with it. */
  now(): number {
    return this.clock()
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - this.clock())
  }

  get expired(): boolean {
    return this.remainingMs() === 0 || this.signal.aborted
  }
}

/** Thrown when the deadline ends a wait; carries what was awaited and the state last seen. */
export class DeadlineExceededError extends Error {
  readonly waitingFor: string
  readonly lastSeen: string

  constructor(waitingFor: string, lastSeen: string) {
    super(
      `timeout-minutes ran out while waiting for ${waitingFor}; last seen: ${lastSeen}. Raise timeout-minutes or rerun the action: it continues where it stopped.`
    )
    this.name = 'DeadlineExceededError'
    this.waitingFor = waitingFor
    this.lastSeen = lastSeen
  }
}
