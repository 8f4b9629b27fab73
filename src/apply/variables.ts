import { withRetry } from '../azure/retry.js'
import type { VariablesPlan } from '../plan/variables-plan.js'
import { getTarget, patchTemplate, type TargetResource } from '../read/target.js'
import type { RunContext } from '../run-context.js'

/**
 * Sets the variables with one PATCH of `template.containers`, sending every container (arrays are replaced
 * whole by a merge patch) and nothing else: init containers, scale, volumes, secrets, registries and ingress
 * stay as they are. For an app, `revisionSuffix: null` goes with it (see target.ts); a job has no revisions.
 */
export async function applyVariables(
  ctx: RunContext,
  app: TargetResource,
  plan: VariablesPlan,
  replan: (current: TargetResource) => VariablesPlan
): Promise<TargetResource> {
  const { inputs, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  return withRetry(
    async attempt => {
      // A retry follows a conflict with another writer: plan again from the app as it is now, so
      // nothing that writer changed is overwritten, and nothing is written if it already set the values.
      const current = attempt === 1 ? app : await getTarget(clients, inputs.target, options)
      const fresh = attempt === 1 ? plan : replan(current)
      if (!fresh.changes.length) return current
      return patchTemplate(clients, inputs.target, current, fresh.containers, {
        ...options,
        updateIntervalInMs: ctx.pollIntervalMs
      })
    },
    { deadline, sleep: ctx.sleep, what: `set the Redis variables on the ${inputs.target.kind}` }
  )
}
