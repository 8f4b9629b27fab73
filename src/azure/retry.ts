import * as core from '@actions/core'
import type { Deadline } from '../deadline.js'
import { logSafe } from '../domain/text.js'
import { seenInCurrentWait } from '../progress.js'
import { readAzureError, type AzureErrorInfo } from './azure-error.js'
import { classifyFailure, isLeftByPipeline, type FailureClass } from './classify.js'

export type Sleep = (ms: number) => Promise<void>

/** How long a principal that Azure reports on the app may stay unknown to a resource provider before the run gives up. */
export const PRINCIPAL_WAIT_MS = 5 * 60_000

export interface RetryOptions {
  /** Bounds the retries; its clock measures the waits. */
  deadline: Deadline
  /** The run's sleep (RunContext.sleep): tests pass a fake one, with a deadline on a fake clock. */
  sleep: Sleep
  /** What is being done, for the log: "create the access policy assignment". */
  what: string
  /** Azure reports the principal on the app's identity: "principal not found" is replication delay, retried. */
  principalOnApp?: boolean
  /** Bound of the wait for such a principal (within the deadline); default PRINCIPAL_WAIT_MS. */
  principalWaitMs?: number
  baseDelayMs?: number
  maxDelayMs?: number
  random?: () => number
}

/**
 * Retries what the SDK pipeline treats as final but Azure means as "later": a cache busy with an earlier
 * update, an app with an operation in progress (explicit codes, see classifyFailure), and a principal not yet
 * replicated. Throttling, 5xx and resets belong to the pipeline, which retries them until the deadline
 * (TRANSPORT_RETRY): retrying them here too would nest one retry loop in another, so only what the pipeline hands
 * back unretried is retried here (see isLeftByPipeline). Full-jitter exponential backoff with a small cap, so a
 * wait ends soon after Azure is ready; bounded by the deadline, on its clock. A lock or any other failure is thrown
 * at once. `operation` gets the attempt number, so a retry can start from a fresh read and a new plan.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions
): Promise<T> {
  const { sleep, deadline } = options
  const random = options.random ?? Math.random
  const base = options.baseDelayMs ?? 1000
  const cap = options.maxDelayMs ?? 8_000
  const principalWaitMs = options.principalWaitMs ?? PRINCIPAL_WAIT_MS
  let unknownSince: number | undefined
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt)
    } catch (error) {
      const info = readAzureError(error)
      const kind: FailureClass = classifyFailure(info, { principalOnApp: options.principalOnApp })
      if (!retriedHere(kind, info) || deadline.signal.aborted) throw error
      let why = reason(kind)
      if (kind === 'not-replicated') {
        unknownSince ??= deadline.now()
        const waited = deadline.now() - unknownSince
        if (waited >= principalWaitMs) throw error
        why += ` (waiting for it since ${seconds(waited)}, up to ${seconds(principalWaitMs)})`
      }
      const backoff = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)))
      const delay = Math.max(backoff, info.retryAfterMs ?? 0)
      if (delay >= deadline.remainingMs()) throw error
      core.info(
        `Could not ${options.what} (attempt ${attempt}): ${why}: ${logSafe(info.message)} Retrying in ${seconds(delay)}.`
      )
      seenInCurrentWait(`${reason(kind)}; retrying (attempt ${attempt + 1})`)
      await sleep(delay)
    }
  }
}

function retriedHere(kind: FailureClass, info: AzureErrorInfo): boolean {
  switch (kind) {
    case 'busy':
    case 'not-replicated':
      return true
    case 'throttled':
    case 'transient':
      return isLeftByPipeline(info, kind)
    case 'locked':
    case 'final':
      return false
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

function reason(kind: FailureClass): string {
  switch (kind) {
    case 'throttled':
      return 'Azure is throttling requests'
    case 'busy':
      return 'the resource is busy with an earlier update'
    case 'not-replicated':
      return 'the identity is not yet known to the resource provider (Microsoft Entra replication delay; Azure reports it on the app, so it exists)'
    case 'transient':
      return 'a transient failure'
    case 'final':
    case 'locked':
      return 'a failure'
  }
}
