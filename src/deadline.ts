/** The run's budget when timeout-minutes is empty (a step that needs more grows it, see Deadline.extend). */
export const DEFAULT_TIMEOUT_MINUTES = 20

/** The run's deadline (timeout-minutes): one AbortSignal that every SDK call and wait shares. */
export class Deadline {
  readonly signal: AbortSignal
  private end: number
  private readonly clock: () => number
  private readonly controller = new AbortController()
  private timer: NodeJS.Timeout | undefined

  constructor(totalMs: number, now: () => number = Date.now) {
    this.clock = now
    this.end = now() + totalMs
    this.signal = this.controller.signal
    this.arm()
  }

  get endsAt(): number {
    return this.end
  }

  /** The clock the deadline runs on: waits measure their time with it. */
  now(): number {
    return this.clock()
  }

  remainingMs(): number {
    return Math.max(0, this.end - this.clock())
  }

  get expired(): boolean {
    return this.remainingMs() === 0 || this.signal.aborted
  }

  /** Moves the end later, for a default budget that grows when a long step turns out to be needed. */
  extend(ms: number): void {
    if (this.signal.aborted) return
    this.end += ms
    this.arm()
  }

  private arm(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(
      () => this.controller.abort(new DOMException('timeout-minutes ran out', 'TimeoutError')),
      this.remainingMs()
    )
    // Like AbortSignal.timeout: the deadline alone never keeps the process alive.
    this.timer.unref()
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

/** Thrown before a step that needs more time than an explicit timeout-minutes leaves: failing at once, with
 * nothing changed, beats failing at the deadline halfway through. */
export class TimeoutTooShortError extends Error {
  readonly fix: string

  constructor(message: string, fix: string) {
    super(message)
    this.name = 'TimeoutTooShortError'
    this.fix = fix
  }
}
