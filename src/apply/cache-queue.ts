/**
 * Serializes writes to one cache: Azure applies one update at a time there and answers 409 "busy processing a
 * previous update request" to the next, so many apps of one run queue their assignments instead of colliding.
 */
export class CacheQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work)
    this.tail = next.catch(() => undefined)
    return next
  }
}
