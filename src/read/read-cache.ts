import { getById } from '@azure/arm-resources/api/resources'
import { READ_CACHE } from '../azure/cache-kinds.js'
import { MANAGED_REDIS_API_VERSION } from '../azure/managed-redis.js'
import { cacheResourceId, type CacheAddress, type CacheState } from '../domain/cache.js'
import type { AzureClients } from '../azure/clients.js'
import type { RunConfig } from '../inputs/types.js'
import { ReadError } from './read-error.js'
import { UnexpectedAnswerError } from '../azure/unexpected-answer.js'

/**
 * Reads the cache with its policies and assignments. A resource ID says which kind it is. A bare name may be Azure
 * Cache for Redis or Azure Managed Redis: both are asked for at once (with the classic cache's lists), so
 * detection costs no extra round trip for the classic cache.
 */
export async function readCache(
  clients: AzureClients,
  config: RunConfig,
  signal: AbortSignal
): Promise<CacheState> {
  const address: CacheAddress = {
    subscriptionId: config.subscriptionId,
    resourceGroup: config.redisResourceGroup,
    name: config.redisName
  }
  const what = `cache ${config.redisName} in resource group ${config.redisResourceGroup}`
  try {
    if (config.redisKind) return await READ_CACHE[config.redisKind](clients, address, signal)
    const [classic, managedCluster] = await Promise.allSettled([
      READ_CACHE.redis(clients, address, signal),
      getById(
        clients.resources,
        cacheResourceId(address, 'managed-redis').slice(1),
        MANAGED_REDIS_API_VERSION,
        { abortSignal: signal }
      )
    ])
    if (classic.status === 'fulfilled') return classic.value
    // Something answered for a classic cache, but not Azure: that is the failure, whatever else exists.
    if (classic.reason instanceof UnexpectedAnswerError) throw classic.reason
    if (managedCluster.status === 'fulfilled')
      return await READ_CACHE['managed-redis'](clients, address, signal)
    throw classic.reason
  } catch (error) {
    const detecting =
      config.redisKind === undefined
        ? ' (looked for an Azure Cache for Redis and an Azure Managed Redis of that name)'
        : ''
    throw new ReadError(`${what}${detecting}`, error)
  }
}
