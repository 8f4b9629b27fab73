import type { Container } from '@azure/arm-appcontainers'
import { withRetry } from '../azure/retry.js'
import type { VariablesPlan } from '../plan/variables-plan.js'
import { getTarget, patchTemplate, type TargetResource } from '../read/target.js'
import type { RunContext } from '../run-context.js'

/** The read and the write of the variables, apart so a test can play another writer between them. */
export interface TemplateAccess {
  read(): Promise<TargetResource>
  write(current: TargetResource, containers: Container[]): Promise<TargetResource>
}

export function templateAccess(ctx: RunContext): TemplateAccess {
  const { inputs, clients, deadline } = ctx
  return {
    read: () => getTarget(clients, inputs.target, { abortSignal: deadline.signal }),
    write: (current, containers) =>
      patchTemplate(clients, inputs.target, current, containers, {
        abortSignal: deadline.signal,
        updateIntervalInMs: ctx.pollIntervalMs
      })
  }
}

/**
 * Sets the variables with one PATCH of `template.containers`, sending every container (arrays are replaced whole
 * by a merge patch) and nothing else: init containers, scale, volumes, secrets, registries and ingress stay as
 * they are. For an app, `revisionSuffix: null` goes with it (see target.ts); a job has no revisions.
 *
 * Each attempt plans from a read taken right before its PATCH, not from the run's first read: a deploy or another
 * writer's change made while the run waited (on a slow read, a busy cache, the identity) is kept, not reverted,
 * and nothing is written when the variables are already set.
 */
export async function applyVariables(
  ctx: RunContext,
  plan: (current: TargetResource) => VariablesPlan,
  access: TemplateAccess = templateAccess(ctx)
): Promise<TargetResource> {
  return withRetry(
    async () => {
      const current = await access.read()
      const planned = plan(current)
      if (!planned.changes.length) return current
      return access.write(current, planned.containers)
    },
    {
      deadline: ctx.deadline,
      sleep: ctx.sleep,
      what: `set the Redis variables on the ${ctx.inputs.target.kind}`
    }
  )
}
