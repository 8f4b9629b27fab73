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
  plan: VariablesPlan
): Promise<ContainerApp> {
  const { inputs, clients, deadline } = ctx
  const template: Template = { containers: plan.containers, revisionSuffix: null as unknown as string }
  return withRetry(
    () =>
      clients.apps.containerApps.update(
        inputs.resourceGroup,
        inputs.containerApp,
        { location: app.location, template },
        { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs }
      ),
    { deadline, sleep: ctx.sleep, what: 'set the Redis variables on the app' }
  )
}
