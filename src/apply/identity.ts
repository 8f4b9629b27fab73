import { withRetry } from '../azure/retry.js'
import { principalOf } from '../domain/identities.js'
import { planIdentity } from '../plan/identity-plan.js'
import type { UserIdentity } from '../read/read-state.js'
import { getTarget, patchIdentity, type TargetResource } from '../read/target.js'
import type { RunContext } from '../run-context.js'

/** The app after the identity step, and whether the step wrote (another writer may have added it meanwhile). */
export interface IdentityApplied {
  app: TargetResource
  wrote: boolean
}

/**
 * Adds the identity with a PATCH that carries only the identity (and an app's `location`). No `configuration`
 * is sent, so secrets (whose values a GET hides) and registries are never part of the request and cannot be
 * lost; no `template` is sent, so no revision is made.
 *
 * The PATCH is planned from a read taken right before it, not from the run's first read: an identity another
 * pipeline attached while the run waited is resent with the new one, not detached by a stale `type`.
 */
export async function applyIdentity(ctx: RunContext, userIdentity?: UserIdentity): Promise<IdentityApplied> {
  const { config, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  const get = () => getTarget(clients, ctx.target, options)
  const applied = await withRetry(
    async (): Promise<IdentityApplied> => {
      const current = await get()
      const plan = planIdentity(current.identity, config.identity, userIdentity)
      if (plan.change === 'none' || !plan.patch) return { app: current, wrote: false }
      const app = await patchIdentity(clients, ctx.target, current, plan.patch, {
        ...options,
        updateIntervalInMs: ctx.pollIntervalMs
      })
      return { app, wrote: true }
    },
    { deadline, sleep: ctx.sleep, what: `add the managed identity to the ${ctx.target.kind}` }
  )
  if (principalOf(applied.app, config.identity).principalId) return applied
  // Some final LRO responses carry no body: read the app to learn the new principal id.
  return { app: await get(), wrote: applied.wrote }
}
