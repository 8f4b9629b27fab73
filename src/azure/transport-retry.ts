/**
 * Retries of the SDK pipelines (ARM clients and Entra sign-in alike): 429, 408, 5xx and connection resets, with
 * Retry-After honoured and exponential backoff capped at 8 s. They end at the run's deadline, not after a count:
 * every ARM request carries the deadline's signal, and Entra requests are raced against it (see Deadline.race),
 * so a burst of 503s on a read is waited out as one on a write is.
 */
export const TRANSPORT_RETRY = {
  maxRetries: Number.MAX_SAFE_INTEGER,
  retryDelayInMs: 800,
  maxRetryDelayInMs: 8_000
}
