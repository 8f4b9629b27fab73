import { withRetry } from '../azure/retry.js'
import { findUserAssigned } from '../plan/attached-identities.js'
import { planIdentity, type IdentityPlan } from '../plan/identity-plan.js'
import type { UserIdentity } from '../read/read-state.js'
import { getTarget, patchIdentity, type TargetResource } from '../read/target.js'
import type { RunContext } from '../run-context.js'

/**
 * Adds the identity with a PATCH that carries only the identity (and an app's `location`). No `configuration`
 * is sent, so secrets (whose values a GET hides) and registries are never part of the request and cannot be
 * lost; no `template` is sent, so no revision is made.
 */
export async function applyIdentity(
  ctx: RunContext,
  app: TargetResource,
  plan: IdentityPlan,
  userIdentity?: UserIdentity
): Promise<TargetResource> {
  const { inputs, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  const get = () => getTarget(clients, inputs.target, options)
  const updated = await withRetry(
    async attempt => {
      // A retry follows a conflict with another writer: plan again from what the app has now.
      const current = attempt === 1 ? app : await get()
      const fresh = attempt === 1 ? plan : planIdentity(current.identity, inputs.identity, userIdentity)
      if (fresh.change === 'none' || !fresh.patch) return current
      return patchIdentity(clients, inputs.target, current, fresh.patch, {
        ...options,
        updateIntervalInMs: ctx.pollIntervalMs
      })
    },
    { deadline, sleep: ctx.sleep, what: `add the managed identity to the ${inputs.target.kind}` }
  )
  if (principalOf(updated, inputs.identity).principalId) return updated
  // Some final LRO responses carry no body: read the app to learn the new principal id.
  return get()
}

export function principalOf(
  app: TargetResource,
  choice: RunContext['inputs']['identity']
): { principalId?: string; clientId?: string } {
  if (choice.kind === 'system') return { principalId: app.identity?.principalId }
  const attached = findUserAssigned(app.identity, choice.resourceId)
  return { principalId: attached?.principalId, clientId: attached?.clientId }
}
