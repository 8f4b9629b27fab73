import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import {
  deleteManagedRedisAssignment,
  listManagedRedisAssignments,
  putManagedRedisAssignment
} from '../azure/managed-redis.js'
import type { CacheRef } from '../read/read-cache.js'
import type { RunContext } from '../run-context.js'

/** The three assignment operations, for either kind of cache. */
export function cacheAssignments(ctx: RunContext, ref: CacheRef) {
  const { config, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs }
  const managed = ref.kind === 'managed-redis' && ref.databaseId ? ref.databaseId : undefined
  return {
    put(name: string, policy: string, objectId: string): Promise<RedisCacheAccessPolicyAssignment> {
      if (managed)
        return putManagedRedisAssignment(clients.resources, managed, name, objectId, {
          signal: deadline.signal,
          pollMs: ctx.pollIntervalMs
        })
      return clients.redis.accessPolicyAssignment.beginCreateUpdateAndWait(
        config.redisResourceGroup,
        config.redisName,
        name,
        { accessPolicyName: policy, objectId, objectIdAlias: ctx.target.name },
        options
      )
    },
    async remove(name: string): Promise<void> {
      if (managed)
        return deleteManagedRedisAssignment(clients.resources, managed, name, {
          signal: deadline.signal,
          pollMs: ctx.pollIntervalMs
        })
      await clients.redis.accessPolicyAssignment.beginDeleteAndWait(
        config.redisResourceGroup,
        config.redisName,
        name,
        options
      )
    },
    async list(): Promise<RedisCacheAccessPolicyAssignment[]> {
      if (managed) return listManagedRedisAssignments(clients.resources, managed, deadline.signal)
      const found: RedisCacheAccessPolicyAssignment[] = []
      for await (const a of clients.redis.accessPolicyAssignment.list(
        config.redisResourceGroup,
        config.redisName,
        { abortSignal: deadline.signal }
      ))
        found.push(a)
      return found
    }
  }
}
