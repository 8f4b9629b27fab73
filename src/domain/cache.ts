import type { RedisResource } from '@azure/arm-rediscache'

/** Which cache the action connects: Azure Cache for Redis or Azure Managed Redis. */
export type CacheKind = 'redis' | 'managed-redis'

/** Microsoft Entra authentication is on for the cache. */
export function aadEnabled(cache: RedisResource): boolean {
  return String(cache.redisConfiguration?.aadEnabled ?? '').toLowerCase() === 'true'
}

/** How to turn Microsoft Entra authentication on for the cache, for a fix line. */
export function entraFix(cache: string, group: string): string {
  return `Turn on Microsoft Entra authentication for the cache (portal: Authentication > Microsoft Entra Authentication; or \`az redis update --name ${cache} --resource-group ${group} --set redisConfiguration.aad-enabled=true\`). It reboots the cache nodes and can take up to 30 minutes; then rerun this action.`
}
