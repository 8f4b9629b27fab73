import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import type { CacheAddress, CacheKind, CacheState } from '../domain/cache.js'
import { listClassicAssignments, readClassicCache } from './classic-cache.js'
import type { AzureClients } from './clients.js'
import {
  deleteManagedRedisAssignment,
  listManagedRedisAssignments,
  putManagedRedisAssignment,
  readManagedRedis
} from './managed-redis.js'

/** Reads a cache of the kind, with its policies and assignments. */
export const READ_CACHE: Record<
  CacheKind,
  (clients: AzureClients, address: CacheAddress, signal: AbortSignal) => Promise<CacheState>
> = {
  redis: readClassicCache,
  'managed-redis': (clients, address, signal) => readManagedRedis(clients.resources, address, signal)
}

/** The access policy assignment operations of one cache, whichever its kind. */
export interface AssignmentOperations {
  list(): Promise<RedisCacheAccessPolicyAssignment[]>
  put(name: string, policy: string, objectId: string): Promise<RedisCacheAccessPolicyAssignment>
  remove(name: string): Promise<void>
}

export interface OperationOptions {
  signal: AbortSignal
  /** The SDK's poll interval for the long-running put and delete. */
  pollMs: number
  /** The classic cache keeps a readable alias of the object id (the app's name). */
  alias: string
}

/** Classic: the cache's own accessPolicyAssignments, through @azure/arm-rediscache. */
function classicOperations(
  clients: AzureClients,
  cache: { resourceGroup: string; name: string },
  o: OperationOptions
): AssignmentOperations {
  const { resourceGroup, name: cacheName } = cache
  const options = { abortSignal: o.signal, updateIntervalInMs: o.pollMs }
  return {
    list: () => listClassicAssignments(clients, cache, o.signal),
    put: (name, policy, objectId) =>
      clients.redis.accessPolicyAssignment.beginCreateUpdateAndWait(
        resourceGroup,
        cacheName,
        name,
        { accessPolicyName: policy, objectId, objectIdAlias: o.alias },
        options
      ),
    remove: async name => {
      await clients.redis.accessPolicyAssignment.beginDeleteAndWait(resourceGroup, cacheName, name, options)
    }
  }
}

/** Managed Redis: the assignments of its database, through the generic resource client. */
function managedOperations(
  clients: AzureClients,
  databaseId: string,
  o: OperationOptions
): AssignmentOperations {
  const lro = { signal: o.signal, pollMs: o.pollMs }
  return {
    list: () => listManagedRedisAssignments(clients.resources, databaseId, o.signal),
    // Its one policy is "default": the assignment names no other.
    put: (name, _policy, objectId) =>
      putManagedRedisAssignment(clients.resources, databaseId, name, objectId, lro),
    remove: name => deleteManagedRedisAssignment(clients.resources, databaseId, name, lro)
  }
}

export function assignmentOperations(
  clients: AzureClients,
  cache: CacheState,
  o: OperationOptions
): AssignmentOperations {
  switch (cache.kind) {
    case 'redis':
      return classicOperations(clients, cache, o)
    case 'managed-redis':
      return managedOperations(clients, cache.databaseId, o)
  }
}
