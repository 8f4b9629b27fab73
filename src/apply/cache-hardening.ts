import type { RedisResource } from '@azure/arm-rediscache'
import { withRetry } from '../azure/retry.js'
import type { RunContext } from '../run-context.js'

/**
 * Turns Microsoft Entra authentication on with a request of its own: Azure refuses to combine the toggle with
 * any other change, and the cache reboots its nodes while `ConfiguringAAD` (up to 30 minutes), which the
 * SDK poller waits out.
 */
export async function enableEntraAuth(ctx: RunContext): Promise<RedisResource> {
  const { inputs, clients, deadline } = ctx
  return withRetry(
    () =>
      clients.redis.redis.beginUpdateAndWait(
        inputs.redisResourceGroup,
        inputs.redisName,
        { redisConfiguration: { aadEnabled: 'true' } },
        { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs * 5 }
      ),
    { deadline, sleep: ctx.sleep, what: 'turn on Microsoft Entra authentication on the cache' }
  )
}

/** Turns access keys off; only ever called after every check passed, so Entra is proven to work first. */
export async function disableAccessKeys(ctx: RunContext): Promise<RedisResource> {
  const { inputs, clients, deadline } = ctx
  return withRetry(
    () =>
      clients.redis.redis.beginUpdateAndWait(
        inputs.redisResourceGroup,
        inputs.redisName,
        { disableAccessKeyAuthentication: true },
        { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs }
      ),
    { deadline, sleep: ctx.sleep, what: 'turn off access keys on the cache' }
  )
}
