import type {
  RedisCacheAccessPolicy,
  RedisCacheAccessPolicyAssignment,
  RedisResource
} from '@azure/arm-rediscache'
import { getById } from '@azure/arm-resources/api/resources'
import type { AzureClients } from '../azure/clients.js'
import { MANAGED_REDIS_API_VERSION, readManagedRedis } from '../azure/managed-redis.js'
import type { CacheKind } from '../domain/cache.js'
import type { RunConfig } from '../inputs/types.js'
import { checkAnswer, readAnswer, type Expectation } from '../azure/check-answer.js'
import { ReadError } from './read-error.js'
import { UnexpectedAnswerError } from '../azure/unexpected-answer.js'

/** Which cache this is, and where its assignments live. */
export interface CacheRef {
  kind: CacheKind
  id: string
  /** Managed Redis keeps assignments on its database. */
  databaseId?: string
  /** The Managed Redis database's clustering policy: OSSCluster needs cluster-aware clients. */
  clusteringPolicy?: string
}

export interface CacheState {
  ref: CacheRef
  cache: RedisResource
  policies: RedisCacheAccessPolicy[]
  assignments: RedisCacheAccessPolicyAssignment[]
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of pages) items.push(item)
  return items
}

export function cacheId(config: RunConfig, kind: CacheKind): string {
  const type = kind === 'managed-redis' ? 'redisEnterprise' : 'redis'
  return `/subscriptions/${config.subscriptionId}/resourceGroups/${config.redisResourceGroup}/providers/Microsoft.Cache/${type}/${config.redisName}`
}

/**
 * Reads the classic cache and checks that the answer is it, with the endpoint the variables need: a cache answers
 * hostName and sslPort from its creation on (see sandbox/SPEC.md, "A GET always carries identity" and the cache
 * recording cited there), so an answer without them is not the cache.
 */
async function readClassicCache(
  clients: AzureClients,
  config: RunConfig,
  options: { abortSignal: AbortSignal }
): Promise<RedisResource> {
  const expected: Expectation = {
    what: `cache ${config.redisName}`,
    id: cacheId(config, 'redis'),
    name: config.redisName,
    fields: [
      ['properties.hostName', 'text'],
      ['properties.sslPort', 'number']
    ]
  }
  const { value, answer } = await readAnswer(expected, onResponse =>
    clients.redis.redis.get(config.redisResourceGroup, config.redisName, { ...options, onResponse })
  )
  checkAnswer(answer, expected)
  return value
}

/**
 * Reads the cache with its policies and assignments. A bare name may be Azure Cache for Redis or Azure Managed
 * Redis: both are asked for at once (with the classic cache's lists), so detection costs no extra round trip
 * for the classic cache. A resource ID says which it is.
 */
export async function readCache(
  clients: AzureClients,
  config: RunConfig,
  signal: AbortSignal
): Promise<CacheState> {
  const options = { abortSignal: signal }
  const what = `cache ${config.redisName} in resource group ${config.redisResourceGroup}`
  const readManaged = async (): Promise<CacheState> => {
    const id = cacheId(config, 'managed-redis')
    const managed = await readManagedRedis(clients.resources, id, signal)
    return {
      ref: {
        kind: 'managed-redis',
        id,
        databaseId: managed.databaseId,
        clusteringPolicy: managed.clusteringPolicy
      },
      cache: managed.cache,
      policies: managed.policies,
      assignments: managed.assignments
    }
  }
  const readClassic = () =>
    Promise.all([
      readClassicCache(clients, config, options),
      all(clients.redis.accessPolicy.list(config.redisResourceGroup, config.redisName, options)),
      all(clients.redis.accessPolicyAssignment.list(config.redisResourceGroup, config.redisName, options))
    ])
  try {
    if (config.redisKind === 'managed-redis') return await readManaged()
    if (config.redisKind === 'redis') {
      const [cache, policies, assignments] = await readClassic()
      return { ref: { kind: 'redis', id: cacheId(config, 'redis') }, cache, policies, assignments }
    }
    const [classic, managedCluster] = await Promise.allSettled([
      readClassic(),
      getById(
        clients.resources,
        cacheId(config, 'managed-redis').slice(1),
        MANAGED_REDIS_API_VERSION,
        options
      )
    ])
    if (classic.status === 'fulfilled') {
      const [cache, policies, assignments] = classic.value
      return { ref: { kind: 'redis', id: cacheId(config, 'redis') }, cache, policies, assignments }
    }
    // Something answered for a classic cache, but not Azure: that is the failure, whatever else exists.
    if (classic.reason instanceof UnexpectedAnswerError) throw classic.reason
    if (managedCluster.status === 'fulfilled') return await readManaged()
    throw classic.reason
  } catch (error) {
    const detecting =
      config.redisKind === undefined
        ? ' (looked for an Azure Cache for Redis and an Azure Managed Redis of that name)'
        : ''
    throw new ReadError(`${what}${detecting}`, error)
  }
}
