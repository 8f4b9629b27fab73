import { isAborted } from '../azure/classify.js'
import { DeadlineExceededError } from '../deadline.js'

/** A read that failed, with what was being read, so the error can name the resource. */
export class ReadError extends Error {
  readonly what: string
  override readonly cause: unknown

  constructor(what: string, cause: unknown) {
    super(`Could not read ${what}`)
    this.what = what
    this.cause = cause
  }
}

/** A wait or a request that the run's stop (timeout-minutes, or the runner's cancellation) ended. */
export function endedByStop(error: unknown): boolean {
  const cause = error instanceof ReadError ? error.cause : error
  return cause instanceof DeadlineExceededError || isAborted(cause)
}
