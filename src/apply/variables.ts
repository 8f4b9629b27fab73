import type { ContainerApp, Template } from '@azure/arm-appcontainers'
import { withRetry } from '../azure/retry.js'
import type { VariablesPlan } from '../plan/variables-plan.js'
import type { RunContext } from '../run-context.js'

/**
 * Sets the variables with one PATCH of `template.containers`, sending every container (arrays are replaced
 * whole by a merge patch) and nothing else: init containers, scale, volumes, secrets, registries and ingress
 * stay as they are. `revisionSuffix: null` clears a suffix kept from an earlier deployment, which the new
 * revision would otherwise reuse and be refused for.
 */
export async function applyVariables(
  ctx: RunContext,
  app: ContainerApp,
  plan: VariablesPlan,
  replan: (current: ContainerApp) => VariablesPlan
): Promise<ContainerApp> {
  const { inputs, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  return withRetry(
    async attempt => {
      // A retry follows a conflict with another writer: plan again from the app as it is now, so
      // nothing that writer changed is overwritten, and nothing is written if it already set the values.
      const current =
        attempt === 1
          ? app
          : await clients.apps.containerApps.get(inputs.resourceGroup, inputs.containerApp, options)
      const fresh = attempt === 1 ? plan : replan(current)
      if (!fresh.changes.length) return current
      const template: Template = { containers: fresh.containers, revisionSuffix: null as unknown as string }
      return clients.apps.containerApps.update(
        inputs.resourceGroup,
        inputs.containerApp,
        { location: current.location, template },
        { ...options, updateIntervalInMs: ctx.pollIntervalMs }
      )
    },
    { deadline, sleep: ctx.sleep, what: 'set the Redis variables on the app' }
  )
}
