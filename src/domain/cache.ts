import type {
  RedisCacheAccessPolicy,
  RedisCacheAccessPolicyAssignment,
  RedisResource
} from '@azure/arm-rediscache'

/** Which cache the action connects: Azure Cache for Redis or Azure Managed Redis. */
export type CacheKind = 'redis' | 'managed-redis'

/** What either kind of cache has: where it is, its access policies and their assignments. */
interface CacheCommon {
  /** The cache's resource id (a Managed Redis cluster's): what the portal link opens. */
  id: string
  resourceGroup: string
  name: string
  policies: RedisCacheAccessPolicy[]
  /** Managed Redis's assignments, read from its database, in the same terms (name, policy, object id, state). */
  assignments: RedisCacheAccessPolicyAssignment[]
}

/** Azure Cache for Redis (Microsoft.Cache/redis), as Azure answered. */
export interface ClassicCacheState extends CacheCommon {
  kind: 'redis'
  cache: RedisResource
}

/** Azure Managed Redis (Microsoft.Cache/redisEnterprise): a cluster and its one database, "default". */
export interface ManagedRedisState extends CacheCommon {
  kind: 'managed-redis'
  /** The database, where the assignments live. */
  databaseId: string
  /** OSSCluster, EnterpriseCluster or NoCluster (a string: Azure may add values). */
  clusteringPolicy: string
  /** The cluster's. */
  hostName?: string
  /** The database's TLS port. */
  port?: number
  /** The database's: Enabled or Disabled. */
  accessKeysAuthentication?: string
  /** The cluster's. */
  provisioningState?: string
}

export type CacheState = ClassicCacheState | ManagedRedisState

/** What the steps ask of any cache, answered from each kind's own fields. */
export interface CacheFacts {
  hostName?: string
  /** The TLS port. */
  port?: number
  /** Microsoft Entra authentication is on. */
  entraOn: boolean
  /** What entraOn rests on, for a check's evidence or a blocker's message. */
  entraSetting: string
  accessKeysOff: boolean
  provisioningState?: string
  /** Managed Redis's database clustering policy (OSSCluster needs cluster-aware clients). */
  clusteringPolicy?: string
}

/** Microsoft Entra authentication is on for the classic cache. */
export function aadEnabled(cache: RedisResource): boolean {
  return String(cache.redisConfiguration?.aadEnabled ?? '').toLowerCase() === 'true'
}

export function cacheFacts(state: CacheState): CacheFacts {
  switch (state.kind) {
    case 'redis':
      return {
        hostName: state.cache.hostName,
        port: state.cache.sslPort,
        entraOn: aadEnabled(state.cache),
        entraSetting: `redisConfiguration aad-enabled = ${String(state.cache.redisConfiguration?.aadEnabled ?? 'unset')}`,
        accessKeysOff: state.cache.disableAccessKeyAuthentication === true,
        provisioningState: state.cache.provisioningState
      }
    case 'managed-redis':
      return {
        hostName: state.hostName,
        port: state.port,
        // Learn (articles/redis/entra-for-authentication.md): Managed Redis uses Entra ID by default; its API has
        // no switch for it.
        entraOn: true,
        entraSetting: 'Azure Managed Redis always accepts Microsoft Entra ID',
        accessKeysOff: state.accessKeysAuthentication === 'Disabled',
        provisioningState: state.provisioningState,
        clusteringPolicy: state.clusteringPolicy
      }
  }
}

/** The single access policy of Azure Managed Redis (full access). */
export const MANAGED_REDIS_POLICY = 'default'

/** What planning needs to know of a kind of cache: no state, no clients. */
export interface CacheKindRules {
  /** The product's name, for messages. */
  product: string
  /** Its Azure resource type under Microsoft.Cache. */
  resourceType: string
  /** The policy the access-policy input names on this kind of cache. */
  policyFor(requested: string): string
  /** The assignment name when assignment-name is empty; undefined: the object id. */
  defaultAssignmentName(objectId: string): string | undefined
  /** Azure's rule for assignment names, where it is narrower than any name. */
  assignmentName?: { pattern: RegExp; rule: string; fix: string }
}

export const CACHE_KINDS: Record<CacheKind, CacheKindRules> = {
  redis: {
    product: 'Azure Cache for Redis',
    resourceType: 'redis',
    policyFor: requested => requested,
    defaultAssignmentName: () => undefined
  },
  'managed-redis': {
    product: 'Azure Managed Redis',
    resourceType: 'redisEnterprise',
    // Its single policy, "default", is what the action's default of Data Contributor maps to; any other name is
    // looked up on the cache like a custom policy.
    policyFor: requested => (/^data contributor$/i.test(requested) ? MANAGED_REDIS_POLICY : requested),
    // Managed Redis names allow no hyphens, so its default name is the object id without them.
    defaultAssignmentName: objectId => objectId.replace(/-/g, ''),
    assignmentName: {
      pattern: /^[A-Za-z0-9]{1,60}$/,
      rule: 'Azure Managed Redis assignment names are 1–60 letters and digits (no hyphens)',
      fix: 'Remove the hyphens, or leave assignment-name empty to use the object id without hyphens.'
    }
  }
}

/** Where a cache is: enough to name either kind. */
export interface CacheAddress {
  subscriptionId: string
  resourceGroup: string
  name: string
}

/** Azure Cache for Redis is `Microsoft.Cache/redis`; Azure Managed Redis is `Microsoft.Cache/redisEnterprise`. */
export function cacheResourceId(address: CacheAddress, kind: CacheKind = 'redis'): string {
  return `/subscriptions/${address.subscriptionId}/resourceGroups/${address.resourceGroup}/providers/Microsoft.Cache/${CACHE_KINDS[kind].resourceType}/${address.name}`
}

/** How to turn Microsoft Entra authentication on for the cache, for a fix line. */
export function entraFix(cache: string, group: string): string {
  return `Turn on Microsoft Entra authentication for the cache (portal: Authentication > Microsoft Entra Authentication; or \`az redis update --name ${cache} --resource-group ${group} --set redisConfiguration.aad-enabled=true\`). It reboots the cache nodes and can take up to 30 minutes; then rerun this action.`
}
