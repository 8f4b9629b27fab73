import type { RedisResource, RedisUpdateParameters } from '@azure/arm-rediscache'
import { withRetry } from '../azure/retry.js'
import type { RunContext } from '../run-context.js'

/** One PATCH of the cache, waited for by the SDK poller, with a busy cache waited out. */
function updateCache(
  ctx: RunContext,
  patch: RedisUpdateParameters,
  what: string,
  pollMs: number
): Promise<RedisResource> {
  const { inputs, clients, deadline } = ctx
  return withRetry(
    () =>
      clients.redis.redis.beginUpdateAndWait(inputs.redisResourceGroup, inputs.redisName, patch, {
        abortSignal: deadline.signal,
        updateIntervalInMs: pollMs
      }),
    { deadline, sleep: ctx.sleep, what }
  )
}

/**
 * Turns Microsoft Entra authentication on with a request of its own: Azure refuses to combine the toggle with
 * any other change, and the cache reboots its nodes while `ConfiguringAAD` (up to 30 minutes), which the
 * SDK poller waits out (polling less often: it is a long wait).
 */
export function enableEntraAuth(ctx: RunContext): Promise<RedisResource> {
  return updateCache(
    ctx,
    { redisConfiguration: { aadEnabled: 'true' } },
    'turn on Microsoft Entra authentication on the cache',
    ctx.pollIntervalMs * 5
  )
}

/** Turns access keys off; only ever called after every check passed, so Entra is proven to work first. */
export function disableAccessKeys(ctx: RunContext): Promise<RedisResource> {
  return updateCache(
    ctx,
    { disableAccessKeyAuthentication: true },
    'turn off access keys on the cache',
    ctx.pollIntervalMs
  )
}
