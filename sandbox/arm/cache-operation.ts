// A long-running write on a cache (classic or Managed Redis) or one of its children. While it runs its id is in
// the cache's inFlight set, so that rejectIfCacheBusy refuses the cache's other writes until it ends.
import type { Reply, SandboxRequest } from '../http.ts'
import type { Operations, StartedOperation } from './operations.ts'

export interface CacheOperationSpec {
  durationMs: number
  /** runs once when the operation ends, after the cache stopped counting it as in flight */
  complete(): Promise<void> | void
  /** answer of the Location URL once the operation succeeded */
  finalReply(): Reply
}

export function startCacheOperation(
  ops: Operations,
  cache: { inFlight: Set<string> },
  req: SandboxRequest,
  spec: CacheOperationSpec
): StartedOperation {
  const started = ops.start(
    {
      provider: 'Microsoft.Cache',
      durationMs: spec.durationMs,
      complete: async () => {
        cache.inFlight.delete(started.id)
        await spec.complete()
        return undefined
      },
      finalReply: spec.finalReply,
      cacheKind: /\/redisEnterprise\//i.test(req.path) ? 'redisEnterprise' : 'redis'
    },
    req
  )
  cache.inFlight.add(started.id)
  return started
}
