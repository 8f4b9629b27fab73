import type { CacheKind } from './cache.js'

export function portalLink(portal: string, resourceId: string): string {
  return `${portal}/#@/resource${resourceId}`
}

/** Azure Cache for Redis is `Microsoft.Cache/redis`; Azure Managed Redis is `Microsoft.Cache/redisEnterprise`. */
export function cacheResourceId(
  subscriptionId: string,
  resourceGroup: string,
  cache: string,
  kind: CacheKind = 'redis'
): string {
  const type = kind === 'managed-redis' ? 'redisEnterprise' : 'redis'
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/${type}/${cache}`
}

/**
 * The portal blades of an app that a failed or slow revision sends users to: "Revisions and replicas" and
 * "Log stream". The portal opens a blade of a resource at `#@/resource{id}/{blade}`.
 */
export function appBlades(appLink: string): { revisions: string; logStream: string } {
  return { revisions: `${appLink}/revisionManagement`, logStream: `${appLink}/logstream` }
}
