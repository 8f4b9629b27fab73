// All ARM routes of the sandbox: long-running operation URLs and the resource providers.
import type { Entra } from '../entra.ts'
import type { Route } from '../http.ts'
import type { SandboxState } from '../state.ts'
import { accessPolicyRoutes } from './access-policies.ts'
import type { AccessPolicyContext } from './access-policies.ts'
import { containerAppRoutes } from './container-apps.ts'
import { identityRoutes } from './identities.ts'
import { jobRoutes } from './jobs.ts'
import { lockRoutes } from './locks.ts'
import { managedRedisRoutes } from './managed-redis.ts'
import type { ManagedRedisContext } from './managed-redis.ts'
import { operationPathPattern } from './operations.ts'
import type { Operations } from './operations.ts'
import { redisRoutes } from './redis.ts'
import { subscriptionListRoutes } from './subscription-lists.ts'
import { armRoutes } from './router.ts'

export function createArmRoutes(
  state: SandboxState,
  entra: Entra,
  ops: Operations,
  ctx: AccessPolicyContext,
  managedRedis: ManagedRedisContext = { state, ops, syncUser: ctx.syncUser }
): Route[] {
  return armRoutes(state, entra, [
    {
      method: 'GET',
      pattern: operationPathPattern,
      operation: 'lro.poll',
      subscriptionLevel: true,
      handle: req => (/Statuses$|asyncOperations$/i.test(req.params[2]) ? ops.status(req) : ops.result(req))
    },
    ...containerAppRoutes(state, ops),
    ...jobRoutes(state, ops),
    ...subscriptionListRoutes(state, ops),
    ...identityRoutes(state),
    ...redisRoutes(ctx),
    ...accessPolicyRoutes(ctx),
    ...managedRedisRoutes(managedRedis),
    ...lockRoutes(state)
  ])
}
