import { withRetry } from '../azure/retry.js'
import type { VariablesPlan } from '../plan/variables-plan.js'
import {
  patchTemplate,
  readTarget,
  type ArmContainer,
  type TargetRead,
  type TargetResource,
  type TemplateWritten
} from '../read/target.js'
import type { RunContext } from '../run-context.js'
import { containersToWrite } from './containers-to-write.js'

/** The read and the write of the variables, apart so a test can play another writer between them. */
export interface TemplateAccess {
  read(): Promise<TargetRead>
  write(containers: ArmContainer[]): Promise<TemplateWritten>
}

export function templateAccess(ctx: RunContext): TemplateAccess {
  const { clients, deadline } = ctx
  return {
    read: () => readTarget(clients, ctx.target, { abortSignal: deadline.signal }),
    write: containers =>
      patchTemplate(clients, ctx.target, containers, {
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
 * and nothing is written when the variables are already set. Returns the app as the PATCH leaves it.
 */
export async function applyVariables(
  ctx: RunContext,
  plan: (current: TargetResource) => VariablesPlan,
  access: TemplateAccess = templateAccess(ctx)
): Promise<TargetResource> {
  return withRetry(
    async () => {
      const current = await access.read()
      const planned = plan(current.app)
      if (!planned.changes.length) return current.app
      const written = await access.write(containersToWrite(current.containers, planned.containers))
      return {
        ...current.app,
        template: { ...current.app.template, containers: planned.containers },
        latestRevisionName: written.latestRevisionName
      }
    },
    {
      deadline: ctx.deadline,
      sleep: ctx.sleep,
      what: `set the Redis variables on the ${ctx.target.kind}`
    }
  )
}
