import * as core from '@actions/core'
import type { RedisResource, RedisUpdateParameters } from '@azure/arm-rediscache'
import { withRetry } from '../azure/retry.js'
import type { RunWideContext } from '../run-context.js'
import { aadEnabled, type ClassicCacheState } from '../domain/cache.js'
import { minutesAndSeconds, waitLong } from './long-wait.js'

/** Learn (Azure Cache for Redis, Microsoft Entra authentication): enabling it reboots the nodes, which "can take up
 * to 30 minutes". */
export const ENTRA_ENABLE_MS = 30 * 60_000
/** The Entra wait is long: one look at the cache every 30 s and a progress line every 20 s are plenty. */
const ENTRA_POLL_MS = 30_000
const ENTRA_PROGRESS_MS = 20_000

/** One PATCH of the cache, waited for by the SDK poller, with a busy cache waited out. */
function updateCache(
  ctx: RunWideContext,
  cache: ClassicCacheState,
  patch: RedisUpdateParameters,
  what: string,
  pollMs: number
): Promise<RedisResource> {
  const { clients, deadline } = ctx
  return withRetry(
    () =>
      clients.redis.redis.beginUpdateAndWait(cache.resourceGroup, cache.name, patch, {
        abortSignal: deadline.signal,
        updateIntervalInMs: pollMs
      }),
    { deadline, sleep: ctx.sleep, what }
  )
}

/** The cache reboots its nodes while `ConfiguringAAD`; done once it is back to Succeeded. */
export const isConfiguringEntra = (cache: RedisResource): boolean =>
  /^ConfiguringAAD$/i.test(cache.provisioningState ?? '')

/**
 * Turns Microsoft Entra authentication on with a request of its own (Azure refuses to combine the toggle with any
 * other change), then waits until the cache has finished: the update operation may report done while the cache
 * is still `ConfiguringAAD` (azure-cli's test_redis_cache_authentication polls the state after the operation), and
 * until then the cache refuses other writes and its nodes do not yet take Entra tokens. `alreadySent` resumes a
 * run that stopped while the cache was configuring: only the wait is left.
 */
export async function enableEntraAuth(
  ctx: RunWideContext,
  cache: ClassicCacheState,
  o: { alreadySent: boolean }
): Promise<RedisResource> {
  const { clients, deadline } = ctx
  const { resourceGroup, name } = cache
  const pollMs = ENTRA_POLL_MS * ctx.pace
  const waitingFor = `Microsoft Entra authentication on cache ${name} (its nodes reboot; up to 30 minutes)`
  core.info(
    `${o.alreadySent ? 'Waiting for' : 'Turning on'} ${waitingFor}; looking every ${minutesAndSeconds(pollMs)}.`
  )
  const started = deadline.now()
  const options = { abortSignal: deadline.signal }
  // The update's own operation is stepped here rather than by pollUntilDone, which would follow Retry-After.
  const poller = o.alreadySent
    ? undefined
    : await withRetry(
        () =>
          clients.redis.redis.beginUpdate(
            resourceGroup,
            name,
            { redisConfiguration: { aadEnabled: 'true' } },
            options
          ),
        { deadline, sleep: ctx.sleep, what: 'turn on Microsoft Entra authentication on the cache' }
      )
  const after = await waitLong<RedisResource>({
    waitingFor,
    pollMs,
    progressMs: ENTRA_PROGRESS_MS * ctx.pace,
    deadline,
    sleep: ctx.sleep,
    look: async () => {
      if (poller && !poller.isDone()) {
        await poller.poll(options)
        if (!poller.isDone())
          return { done: false, seen: `update operation ${poller.getOperationState().status}` }
      }
      const current = await clients.redis.redis.get(resourceGroup, name, options)
      if (isConfiguringEntra(current) || /Updating/i.test(current.provisioningState ?? ''))
        return {
          done: false,
          seen: `${poller ? 'update operation done; ' : ''}cache provisioningState ${current.provisioningState}`
        }
      return { done: true, value: current }
    }
  })
  if (!/^Succeeded$/i.test(after.provisioningState ?? '') || !aadEnabled(after)) {
    throw new Error(
      `The cache finished configuring with provisioningState ${after.provisioningState ?? 'unknown'} and Microsoft Entra authentication ${aadEnabled(after) ? 'on' : 'off'}.`
    )
  }
  core.info(
    `Microsoft Entra authentication is on for cache ${name} (${minutesAndSeconds(deadline.now() - started)}).`
  )
  return after
}

/** Turns access keys off; only ever called after every check passed, so Entra is proven to work first. */
export function disableAccessKeys(ctx: RunWideContext, cache: ClassicCacheState): Promise<RedisResource> {
  return updateCache(
    ctx,
    cache,
    { disableAccessKeyAuthentication: true },
    'turn off access keys on the cache',
    ctx.pollIntervalMs
  )
}
