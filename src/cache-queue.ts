import { startProgress } from './progress.js'
import type { CacheQueueTime } from './report/run-report.js'

/**
 * Serializes writes to one cache: Azure applies one update at a time there and answers 409 "busy processing a
 * previous update request" to the next, so many apps of one run queue their assignments instead of colliding.
 */
export class CacheQueue {
  private tail: Promise<unknown> = Promise.resolve()
  /** Writes queued or running. */
  private pending = 0

  /** `o.what` names the write in the log while it waits; `o.timed` learns how long it waited and worked. */
  run<T>(
    work: () => Promise<T>,
    o: { what?: string; timed?: (time: CacheQueueTime) => void } = {}
  ): Promise<T> {
    const queuedAt = Date.now()
    const ahead = this.pending++
    const progress = ahead && o.what ? startProgress(`the cache to take ${o.what}`) : undefined
    progress?.seen(`${ahead} write${ahead > 1 ? 's' : ''} of other apps ahead in the queue`)
    const start = async (): Promise<T> => {
      progress?.stop()
      const startedAt = Date.now()
      try {
        return await work()
      } finally {
        this.pending--
        o.timed?.({ waitedMs: startedAt - queuedAt, workedMs: Date.now() - startedAt })
      }
    }
    const next = this.tail.then(start, start)
    this.tail = next.catch(() => undefined)
    return next
  }
}
