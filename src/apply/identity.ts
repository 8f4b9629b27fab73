import type { ContainerApp } from '@azure/arm-appcontainers'
import { withRetry } from '../azure/retry.js'
import type { IdentityPlan } from '../plan/identity-plan.js'
import type { RunContext } from '../run-context.js'

/**
 * Adds the identity with a PATCH that carries only `location` and `identity`. No `configuration` is sent, so
 * secrets (whose values a GET hides) and registries are never part of the request and cannot be lost; no
 * `template` is sent, so no revision is made.
 */
export async function applyIdentity(
  ctx: RunContext,
  app: ContainerApp,
  plan: IdentityPlan
): Promise<ContainerApp> {
  const { inputs, clients, deadline } = ctx
  const updated = await withRetry(
    () =>
      clients.apps.containerApps.update(
        inputs.resourceGroup,
        inputs.containerApp,
        { location: app.location, identity: plan.patch },
        { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs }
      ),
    { deadline, sleep: ctx.sleep, what: 'add the managed identity to the app' }
  )
  if (updated?.identity?.principalId || plan.patch?.type === 'UserAssigned') return updated
  // Some final LRO responses carry no body: read the app to learn the new principal id.
  return clients.apps.containerApps.get(inputs.resourceGroup, inputs.containerApp, {
    abortSignal: deadline.signal
  })
}

export function principalOf(
  app: ContainerApp,
  choice: RunContext['inputs']['identity']
): { principalId?: string; clientId?: string } {
  if (choice.kind === 'system') return { principalId: app.identity?.principalId }
  const entry = Object.entries(app.identity?.userAssignedIdentities ?? {}).find(
    ([id]) => id.toLowerCase() === choice.resourceId.toLowerCase()
  )
  return { principalId: entry?.[1].principalId, clientId: entry?.[1].clientId }
}
