import type { RedisCacheAccessPolicyAssignment, RedisResource } from '@azure/arm-rediscache'
import { cacheResourceId, type CacheAddress, type ClassicCacheState } from '../domain/cache.js'
import { checkAnswer, readAnswer, readList, type Expectation } from './check-answer.js'
import type { AzureClients } from './clients.js'

/** Azure Cache for Redis (Microsoft.Cache/redis) through @azure/arm-rediscache. */

/**
 * Reads the classic cache and checks that the answer is it, with the endpoint the variables need: a cache answers
 * hostName and sslPort from its creation on (see sandbox/SPEC.md, "A GET always carries identity" and the cache
 * recording cited there), so an answer without them is not the cache.
 */
async function readClassicResource(
  clients: AzureClients,
  address: CacheAddress,
  signal: AbortSignal
): Promise<RedisResource> {
  const expected: Expectation = {
    what: `cache ${address.name}`,
    id: cacheResourceId(address, 'redis'),
    name: address.name,
    fields: [
      ['properties.hostName', 'text'],
      ['properties.sslPort', 'number']
    ]
  }
  const { value, answer } = await readAnswer(expected, onResponse =>
    clients.redis.redis.get(address.resourceGroup, address.name, { abortSignal: signal, onResponse })
  )
  checkAnswer(answer, expected)
  return value
}

/** The classic cache with its access policies and assignments, read at once. */
export async function readClassicCache(
  clients: AzureClients,
  address: CacheAddress,
  signal: AbortSignal
): Promise<ClassicCacheState> {
  const options = { abortSignal: signal }
  const [cache, policies, assignments] = await Promise.all([
    readClassicResource(clients, address, signal),
    readList(`a list of the access policies of cache ${address.name}`, onResponse =>
      clients.redis.accessPolicy.list(address.resourceGroup, address.name, { ...options, onResponse })
    ),
    listClassicAssignments(clients, address, signal)
  ])
  return {
    kind: 'redis',
    id: cacheResourceId(address, 'redis'),
    resourceGroup: address.resourceGroup,
    name: address.name,
    cache,
    policies,
    assignments
  }
}

export function listClassicAssignments(
  clients: AzureClients,
  cache: { resourceGroup: string; name: string },
  signal: AbortSignal
): Promise<RedisCacheAccessPolicyAssignment[]> {
  return readList(`a list of the access policy assignments of cache ${cache.name}`, onResponse =>
    clients.redis.accessPolicyAssignment.list(cache.resourceGroup, cache.name, {
      abortSignal: signal,
      onResponse
    })
  )
}
