// Microsoft.Cache/redis: seeding, GET, PATCH (Entra toggle → ConfiguringAAD, which may outlast the operation) and
// the cache-wide 409 while any update of the cache or its children is being applied.
import type { SandboxRequest } from '../http.ts'
import { REGION_DISPLAY, resourceKey, rgId } from '../state.ts'
import type { CacheState, SandboxState } from '../state.ts'
import { startCacheOperation } from './cache-operation.ts'
import { armError } from './errors.ts'
import { mergePatch, sameJson } from './json.ts'
import { pollingHeaders } from './operations.ts'
import type { Operations } from './operations.ts'
import { requestedResource } from './requested-resource.ts'
import type { ArmRouteSpec } from './router.ts'
import type { CacheView, JsonObject, RedisProperties } from './wire.ts'
import {
  isJsonObject,
  objectMember,
  objectOr,
  parseWire,
  redisPropertiesGuard,
  requestObject,
  tagsGuard
} from './wire-guards.ts'

export const CACHE = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redis\/([^/]+)`

export interface CacheEndpoint {
  hostName: string
  sslPort: number
}

export interface RedisContext {
  state: SandboxState
  ops: Operations
  endpoint(cache: CacheState): CacheEndpoint
  /** the cache's Entra setting or assignments changed: bring the data plane's users in line */
  syncDataPlane(cache: CacheState): Promise<void>
}

export function seedCache(
  s: SandboxState,
  rg: string,
  name: string,
  o: { aadEnabled?: boolean; customPolicies?: Record<string, string>; tags?: Record<string, string> } = {}
): CacheState {
  s.resourceGroups.add(rg.toLowerCase())
  const cache: CacheState = {
    id: `${rgId(s, rg)}/providers/Microsoft.Cache/Redis/${name}`,
    rg,
    name,
    tags: o.tags ?? {},
    properties: {
      sku: { name: 'Standard', family: 'C', capacity: 1 },
      enableNonSslPort: false,
      publicNetworkAccess: 'Enabled',
      redisVersion: '6.0',
      updateChannel: 'Stable',
      disableAccessKeyAuthentication: false,
      replicasPerMaster: 1,
      replicasPerPrimary: 1,
      tenantSettings: {},
      zonalAllocationPolicy: 'Automatic',
      redisConfiguration: {
        'aad-enabled': String(o.aadEnabled ?? true),
        maxclients: '1000',
        'maxmemory-reserved': '125',
        'maxfragmentationmemory-reserved': '125',
        'maxmemory-delta': '125'
      }
    },
    provisioningState: 'Succeeded',
    customPolicies: o.customPolicies ?? {},
    assignments: new Map(),
    busyUntil: 0,
    inFlight: new Set()
  }
  s.caches.set(resourceKey(rg, name), cache)
  return cache
}

export const isAadEnabled = (cache: CacheState): boolean =>
  String(cache.properties.redisConfiguration?.['aad-enabled'] ?? 'false').toLowerCase() === 'true'

export function cacheView(ctx: RedisContext, cache: CacheState): CacheView {
  const { hostName, sslPort } = ctx.endpoint(cache)
  return {
    id: cache.id,
    location: REGION_DISPLAY,
    name: cache.name,
    type: 'Microsoft.Cache/Redis',
    tags: cache.tags,
    properties: {
      ...structuredClone(cache.properties),
      redisConfiguration: structuredClone(cache.properties.redisConfiguration ?? {}),
      provisioningState: cache.provisioningState,
      hostName,
      port: 6379,
      sslPort,
      // As recorded (__fixtures__/recordings/redis-cache-get.json): keys are hidden (null), instances list their
      // shard, and there is no nonSslPort while the non-TLS port is off.
      accessKeys: null,
      linkedServers: [],
      instances: [
        { sslPort: 15000, shardId: 0, isMaster: true, isPrimary: true },
        { sslPort: 15001, shardId: 0, isMaster: false, isPrimary: false }
      ]
    }
  }
}

export function getCache(s: SandboxState, req: SandboxRequest): CacheState {
  return requestedResource(s.caches, 'Microsoft.Cache/Redis', req)
}

/** Any write on a cache (classic or Managed Redis) or its children is refused while the cache applies an update. */
export function rejectIfCacheBusy(
  ops: Operations,
  cache: Pick<CacheState, 'id' | 'inFlight' | 'busyUntil'>
): void {
  const running = [...cache.inFlight].some(id => ops.isRunning(id))
  if (running || Date.now() < cache.busyUntil) {
    throw armError(
      409,
      'Conflict',
      `The resource '${cache.id}' is busy processing a previous update request or is undergoing system maintenance. As such, it is currently unable to accept the update request. Please try again later.`
    )
  }
}

/** Paths (as the Redis RP names them) of the properties a PATCH changes, apart from the Entra toggle. */
function otherChanges(before: RedisProperties, patch: JsonObject): string[] {
  const changed: string[] = []
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'redisConfiguration') {
      for (const [k, v] of Object.entries(objectOr(value))) {
        if (k !== 'aad-enabled' && String(v) !== String(before.redisConfiguration?.[k])) {
          changed.push(`properties.redisConfiguration.${k}`)
        }
      }
    } else if (key === 'sku' && isJsonObject(value)) {
      for (const [k, v] of Object.entries(value))
        if (before.sku?.[k] !== v) changed.push(`properties.sku.${k}`)
    } else if (!sameJson(before[key], value)) {
      changed.push(`properties.${key}`)
    }
  }
  return changed
}

export function redisRoutes(ctx: RedisContext): ArmRouteSpec[] {
  const { state: s, ops } = ctx
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${CACHE}$`, 'i'),
      operation: 'redis.get',
      action: 'Microsoft.Cache/redis/read',
      handle: req => ({ status: 200, body: cacheView(ctx, getCache(s, req)) })
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`${CACHE}$`, 'i'),
      operation: 'redis.update',
      action: 'Microsoft.Cache/redis/write',
      handle: req => {
        const cache = getCache(s, req)
        rejectIfCacheBusy(ops, cache)
        const body = requestObject(req)
        const patch = objectMember(body.properties, 'properties')
        const tags = body.tags === undefined ? undefined : parseWire(tagsGuard, body.tags ?? {}, 'tags')
        const aadRequested = objectOr(patch.redisConfiguration)['aad-enabled']
        const merged = mergePatch(cache.properties, patch)
        if (aadRequested !== undefined) {
          merged.redisConfiguration = {
            ...objectOr(merged.redisConfiguration),
            'aad-enabled': String(aadRequested).toLowerCase()
          }
        }
        const next = parseWire(redisPropertiesGuard, merged, 'properties')
        const aadToggle =
          aadRequested !== undefined && String(aadRequested).toLowerCase() !== String(isAadEnabled(cache))
        const others = otherChanges(cache.properties, patch)
        if (aadToggle && others.length > 0) {
          throw armError(
            400,
            'BadRequest',
            `The following updates can't be processed in one single request, please send separate request to update them: '${[...others, 'properties.aadEnableDisable'].join(',')}'`
          )
        }
        if (tags) cache.tags = tags
        if (!aadToggle && others.length === 0) return { status: 200, body: cacheView(ctx, cache) }
        cache.properties = next
        cache.provisioningState = aadToggle ? 'ConfiguringAAD' : 'Updating'
        const finalReply = () => ({ status: 200, body: cacheView(ctx, cache) })
        const finish = async () => {
          cache.provisioningState = 'Succeeded'
          if (aadToggle) await ctx.syncDataPlane(cache)
        }
        const started = startCacheOperation(ops, cache, req, {
          durationMs: s.latency.cacheUpdateMs,
          complete: async () => {
            if (!aadToggle || s.latency.entraConfigureMs <= 0) return finish()
            // The operation reports done while the nodes still reboot: the cache stays ConfiguringAAD, busy, and
            // without the new Entra setting on its data plane for entraConfigureMs more.
            startCacheOperation(ops, cache, req, {
              durationMs: s.latency.entraConfigureMs,
              complete: finish,
              finalReply
            })
          },
          finalReply
        })
        return {
          status: 202,
          headers: pollingHeaders(started.headers, 'location'),
          body: cacheView(ctx, cache)
        }
      }
    }
  ]
}
