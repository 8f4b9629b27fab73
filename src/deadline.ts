/** The run's budget when timeout-minutes is empty (a step that needs more grows it, see Deadline.extend). */
export const DEFAULT_TIMEOUT_MINUTES = 20

/** Who ends a run early: the runner's cancellation, with the signal it sent. */
export interface CancellationSource {
  signal: AbortSignal
  by?: string
}

/**
 * The run's deadline (timeout-minutes), which the runner's cancellation ends early: one AbortSignal that every SDK
 * call and wait shares. What takes no signal (GitHub's OIDC request, MSAL's token requests, Redis commands) is
 * raced against it (see race), so no wait outlives it.
 */
export class Deadline {
  readonly signal: AbortSignal
  private end: number
  private readonly clock: () => number
  private readonly controller = new AbortController()
  private readonly cancellation?: CancellationSource
  private timer: NodeJS.Timeout | undefined
  /** What the raced waits are waiting for, while they wait (for a report of what a stop interrupted). */
  private readonly waits = new Set<() => string>()

  /**
   * `startedAt` (ms since the epoch, on the same clock) is when the budget started: the process's start, so
   * loading the action counts against timeout-minutes as it does against the step's time.
   */
  constructor(
    totalMs: number,
    now: () => number = Date.now,
    o: { startedAt?: number; cancellation?: CancellationSource } = {}
  ) {
    this.clock = now
    this.end = Math.round((o.startedAt ?? now()) + totalMs)
    this.signal = this.controller.signal
    this.cancellation = o.cancellation
    const cancel = o.cancellation?.signal
    if (cancel?.aborted) this.controller.abort(cancel.reason)
    else cancel?.addEventListener('abort', () => this.controller.abort(cancel.reason), { once: true })
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

  /** The run has stopped: timeout-minutes ran out, or the runner cancelled it. */
  get expired(): boolean {
    return this.remainingMs() === 0 || this.signal.aborted
  }

  /** The signal the runner cancelled the run with ('SIGINT'), or undefined when it was not cancelled. */
  get cancelledBy(): string | undefined {
    return this.cancellation?.signal.aborted ? (this.cancellation.by ?? 'a signal') : undefined
  }

  /** Moves the end later, for a default budget that grows when a long step turns out to be needed. */
  extend(ms: number): void {
    if (this.signal.aborted) return
    this.end += ms
    this.arm()
  }

  /** Waits ms, or less when the run stops first; callers look at the deadline afterwards. */
  sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      if (this.signal.aborted) return resolve()
      const done = (): void => {
        clearTimeout(timer)
        this.signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.signal.addEventListener('abort', done, { once: true })
    })
  }

  /**
   * Settles as `work` does, or rejects with DeadlineExceededError when the run stops first. `waitingFor` names
   * the wait in that error ("the GitHub OIDC token"); a function is asked when the stop comes.
   */
  race<T>(work: Promise<T>, waitingFor: string | (() => string)): Promise<T> {
    const describe = typeof waitingFor === 'string' ? () => waitingFor : waitingFor
    // The work goes on in the background after a stop; its late failure is of no interest.
    work.catch(() => undefined)
    if (this.signal.aborted) return Promise.reject(new DeadlineExceededError(describe(), 'no answer'))
    this.waits.add(describe)
    return new Promise<T>((resolve, reject) => {
      const stop = (): void => reject(new DeadlineExceededError(describe(), 'no answer'))
      this.signal.addEventListener('abort', stop, { once: true })
      work.then(resolve, reject).finally(() => {
        this.signal.removeEventListener('abort', stop)
        this.waits.delete(describe)
      })
    })
  }

  /** What the raced waits in progress are waiting for. */
  pendingWaits(): string[] {
    return [...this.waits].map(describe => describe())
  }

  private arm(): void {
    clearTimeout(this.timer)
    if (this.signal.aborted) return
    this.timer = setTimeout(
      () => this.controller.abort(new DOMException('timeout-minutes ran out', 'TimeoutError')),
      this.remainingMs()
    )
    // Like AbortSignal.timeout: the deadline alone never keeps the process alive.
    this.timer.unref()
  }
}

/**
 * A wait the run's stop ended (timeout-minutes, or a cancellation): what was awaited and the state last seen.
 * Its message speaks of the timeout; explainFailure words a cancellation from the deadline.
 */
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
