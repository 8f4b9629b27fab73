import * as core from '@actions/core'
import type { Deadline } from '../deadline.js'
import { readAzureError } from './azure-error.js'
import { classifyFailure, type FailureClass } from './classify.js'

export type Sleep = (ms: number) => Promise<void>
export const realSleep: Sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

export interface RetryOptions {
  deadline: Deadline
  sleep?: Sleep
  /** What is being done, for the log: "create the access policy assignment". */
  what: string
  principalIsNew?: boolean
  baseDelayMs?: number
  maxDelayMs?: number
  random?: () => number
}

/**
 * Retries what the SDK pipeline treats as final but Azure means as "later": a cache busy with an earlier
 * update, an app with an operation in progress, a principal not yet replicated, and throttling or transient
 * faults that outlasted the pipeline's own retries. Full-jitter exponential backoff, bounded by the deadline.
 */
/** `operation` gets the attempt number, so a retry can start from a fresh read. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions
): Promise<T> {
  const sleep = options.sleep ?? realSleep
  const random = options.random ?? Math.random
  const base = options.baseDelayMs ?? 1000
  const cap = options.maxDelayMs ?? 8_000
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt)
    } catch (error) {
      const info = readAzureError(error)
      const kind: FailureClass = classifyFailure(info, { principalIsNew: options.principalIsNew })
      if (kind === 'final' || options.deadline.signal.aborted) throw error
      const backoff = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)))
      const delay = Math.max(backoff, info.retryAfterMs ?? 0)
      if (delay >= options.deadline.remainingMs()) throw error
      core.info(
        `Could not ${options.what} (attempt ${attempt}): ${reason(kind)}: ${info.message} Retrying in ${(delay / 1000).toFixed(1)} s.`
      )
      await sleep(delay)
    }
  }
}

function reason(kind: FailureClass): string {
  switch (kind) {
    case 'throttled':
      return 'Azure is throttling requests'
    case 'busy':
      return 'the resource is busy with an earlier update'
    case 'not-replicated':
      return 'the new identity is not yet known everywhere (replication delay)'
    case 'transient':
      return 'a transient failure'
    default:
      return 'a failure'
  }
}
