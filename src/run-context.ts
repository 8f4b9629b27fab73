import type { TokenCredential } from '@azure/identity'
import type { AzureClients } from './azure/clients.js'
import type { Sleep } from './azure/retry.js'
import type { Cloud } from './domain/cloud.js'
import type { Target } from './domain/target.js'
import type { Deadline } from './deadline.js'
import type { RunConfig } from './inputs/types.js'
import type { CacheQueue } from './cache-queue.js'
import type { CacheState } from './domain/cache.js'

/** What every step of a run shares, whichever app or job it works on (the steps on the cache use only this). */
export interface RunWideContext {
  config: RunConfig
  cloud: Cloud
  clients: AzureClients
  /** The workflow identity, for data-plane tokens. */
  credential: TokenCredential
  deadline: Deadline
  sleep: Sleep
  /** The SDK's poll interval for long-running operations (when Azure's Retry-After does not set one). */
  pollIntervalMs: number
  /** Multiplies the cadence of the long waits (turning Entra on): 1 in production; tests shrink it. */
  pace: number
  /** Writes to the cache go one at a time, across every app of the run. */
  cacheQueue: CacheQueue
}

/** What every step of one app's or job's pipeline works with. */
export interface RunContext extends RunWideContext {
  /** The app or job this pipeline connects: one of config.targets. */
  target: Target
  /** The cache, read once for every app of the run (started, not awaited, so it overlaps the app reads). */
  cache?: Promise<CacheState>
}
