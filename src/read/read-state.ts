import type { AzureClients } from '../azure/clients.js'
import type { Deadline } from '../deadline.js'
import type { RunConfig } from '../inputs/types.js'
import type { CacheState } from '../domain/cache.js'
import { readCache } from './read-cache.js'
import { ReadError } from './read-error.js'
import { readUserIdentity, type UserIdentity } from './read-user-identity.js'
import { getTarget, type TargetResource } from './target.js'
import { describeTarget, type Target } from '../domain/target.js'

export { ReadError }

export type { UserIdentity }

export interface CurrentState {
  /** The container app or the job (see target.ts). */
  app: TargetResource
  /** The cache of either kind, with its policies and assignments. */
  cache: CacheState
  userIdentity?: UserIdentity
}

async function reading<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    // A read that already says what failed (an answer that is not the resource) keeps its words.
    if (error instanceof ReadError) throw error
    throw new ReadError(what, error)
  }
}

/**
 * Reads everything the plan needs, all at once: none of these reads depends on another. The cache is the
 * same for every app of a run, so the run reads it once and hands the read in.
 */
export async function readState(
  clients: AzureClients,
  config: RunConfig,
  target: Target,
  deadline: Deadline,
  cache: Promise<CacheState> = readCache(clients, config, deadline.signal)
): Promise<CurrentState> {
  const options = { abortSignal: deadline.signal }
  const app = `${describeTarget(target)} in resource group ${target.resourceGroup}`
  const identity = config.identity
  const [appState, cacheState, userIdentity] = await Promise.all([
    reading(app, () => getTarget(clients, target, options)),
    cache,
    identity.kind === 'user'
      ? reading(`user-assigned identity ${identity.name} in resource group ${identity.resourceGroup}`, () =>
          readUserIdentity(clients, identity, options)
        )
      : Promise.resolve(undefined)
  ])
  return {
    app: appState,
    cache: cacheState,
    userIdentity
  }
}
