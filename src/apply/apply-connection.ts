import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { isRevisionFailure } from '../azure/classify.js'
import { locksBehind } from '../azure/locks.js'
import { explainFailure } from '../explain-failure.js'
import { endedByStop } from '../read/read-error.js'
import type { AssignmentPlan } from '../plan/assignment-plan.js'
import { clientIdContext } from '../plan/client-id-plan.js'
import { planConnection, type ReadyPlan } from '../plan/plan-connection.js'
import { planVariables, repeatedNameWarnings, type VariablesPlan } from '../plan/variables-plan.js'
import type { CacheState } from '../domain/cache.js'
import type { CurrentState } from '../read/read-state.js'
import { getTarget, type TargetResource } from '../read/target.js'
import { WORKLOADS } from '../domain/target.js'
import { speaksForItself } from '../progress.js'
import { recordStep } from '../report/record-step.js'
import type { RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { applyAssignment } from './assignment.js'
import { principalOf } from '../domain/identities.js'
import { applyIdentity } from './identity.js'
import { describeOutcome, replacedWarning, waitForRevision, type RevisionOutcome } from './revision.js'
import { applyVariables } from './variables.js'

const REVISION_FIX =
  'Check the revision in the portal (Revisions and replicas) and its logs: the new revision only adds the Redis variables, so the image or its configuration fails to start.'

/** Explains a failed step; a write refused by a management lock names the lock, which takes one more read. */
const explainer = (ctx: RunContext, doing: string) => async (error: unknown) =>
  explainFailure(error, doing, {
    cloud: ctx.cloud,
    locks: await locksBehind(ctx.clients.resources, error, ctx.deadline.signal),
    deadline: ctx.deadline
  })

/** What the checks after an apply start from: the freshest app, cache and assignments the run holds. */
export interface Applied {
  app: TargetResource
  cache: CacheState
  assignments: RedisCacheAccessPolicyAssignment[]
  expectedPrincipalId: string
  /** The revision the variables made, seen ready. */
  revision?: RevisionOutcome
  /** The policy the assignment must carry (see effectivePolicy). */
  policy: string
}

/** What the apply did, as far as it got: a failed step leaves the rest out (the report says which). */
export interface ApplyResult {
  /** The identity the app signs in as, once the identity step is done. */
  principal?: { principalId: string; clientId?: string }
  /** The assignment written, or the one planned when its write failed. */
  assignmentName?: string
  /** The revision the variables made, seen ready. */
  revision?: RevisionOutcome
  /** What the checks start from; none when a step failed. */
  applied?: Applied
}

/**
 * `mode: apply`: the identity first (the rest needs its principal id), then the assignment and the variables
 * at the same time. Each write is skipped when the plan says it is already right. Returns what it did and, when
 * every step succeeded, what the checks start from.
 */
export async function applyConnection(
  ctx: RunContext,
  report: RunReport,
  state: CurrentState,
  planned: ReadyPlan
): Promise<ApplyResult> {
  const { config } = ctx
  const app = await recordStep<TargetResource>(
    report,
    {
      id: 'identity',
      before: planned.identity.before,
      after: planned.identity.after
    },
    async () => {
      if (planned.identity.change === 'none') return { status: 'unchanged', value: state.app }
      const applied = await applyIdentity(ctx, state.userIdentity)
      return { status: applied.wrote ? 'updated' : 'unchanged', value: applied.app }
    },
    explainer(ctx, 'add the managed identity')
  )
  const attached = principalOf(app, config.identity)
  const principalId = attached.principalId ?? planned.identity.principalId
  const clientId = attached.clientId ?? planned.identity.clientId
  if (!principalId) {
    report.fail(
      'Managed identity',
      'Azure returned no principal id for the identity.',
      'Rerun the action; if it persists, check the identity in the portal.'
    )
    return {}
  }
  const principal = { principalId, clientId }
  // Now that the principal is known, plan again: the assignment and the variables depend on it.
  const final = planConnection({ ...state, app }, config, ctx.target, {
    ...planned.identity,
    principalId,
    clientId
  })
  if (!final.ready) {
    report.fail(
      'Cannot continue',
      final.blockers.map(b => b.message).join(' '),
      final.blockers.map(b => b.fix).join(' ')
    )
    return { principal }
  }
  // Planned with the principal id, the assignment names it.
  const assignmentPlan = { ...final.assignment, objectId: principalId }
  const variablesPlan = final.variables
  report.variablesSet.push(...variablesPlan.changes)
  report.warnings.push(...repeatedNameWarnings(variablesPlan.changes))

  const replan = (current: TargetResource): VariablesPlan => {
    const again = planVariables({
      containers: current.template?.containers ?? [],
      selected: config.containers,
      names: config.variables,
      values: final.values,
      signIn: clientIdContext(config.identity, current.identity)
    })
    if (!again.plan) throw new Error(again.blockers.map(b => b.message).join(' '))
    return again.plan
  }
  // The assignment and the variables both need only the principal id: do them at once.
  const [assignment, revision] = await Promise.allSettled([
    writeAssignment(ctx, report, state.cache, assignmentPlan),
    applyVariablesAndWait(ctx, report, app, variablesPlan, replan)
  ])
  const written = assignment.status === 'fulfilled' ? assignment.value : undefined
  const done = {
    principal,
    assignmentName: written?.name ?? assignmentPlan.name,
    revision: revision.status === 'fulfilled' ? revision.value : undefined
  }
  if (assignment.status === 'rejected' || revision.status === 'rejected') return done

  const assignments = written
    ? [written, ...state.cache.assignments.filter(a => a.name !== written.name)]
    : state.cache.assignments
  const fresh =
    revision.value?.app ??
    (report.changed ? await getTarget(ctx.clients, ctx.target, { abortSignal: ctx.deadline.signal }) : app)
  return {
    ...done,
    applied: {
      app: fresh,
      cache: state.cache,
      assignments,
      expectedPrincipalId: principalId,
      revision: revision.value,
      policy: assignmentPlan.policy
    }
  }
}

function writeAssignment(
  ctx: RunContext,
  report: RunReport,
  cache: CacheState,
  plan: AssignmentPlan & { objectId: string }
): Promise<RedisCacheAccessPolicyAssignment | undefined> {
  return recordStep<RedisCacheAccessPolicyAssignment | undefined>(
    report,
    { id: 'assignment', before: plan.before, after: plan.after },
    async () => {
      if (plan.action === 'unchanged') return { status: 'unchanged', value: undefined }
      const { assignment: written, status } = await ctx.cacheQueue.run(
        () => applyAssignment(ctx, cache, plan),
        {
          what: `the access policy assignment of ${ctx.target.name}`,
          timed: time => report.timeCacheQueue(time)
        }
      )
      return {
        status,
        after: `${written.name}: ${written.accessPolicyName} (${written.provisioningState ?? 'Succeeded'})`,
        value: written
      }
    },
    explainer(ctx, 'write the access policy assignment')
  )
}

async function applyVariablesAndWait(
  ctx: RunContext,
  report: RunReport,
  app: TargetResource,
  plan: VariablesPlan,
  replan: (current: TargetResource) => VariablesPlan
): Promise<RevisionOutcome | undefined> {
  const changed = plan.changes.length > 0
  let revisionFailure: unknown
  const updated = await recordStep<TargetResource>(
    report,
    {
      id: 'variables',
      ...(changed
        ? {
            before: `${plan.changes.length} missing or different`,
            after: `set in ${plan.selected.join(', ')}`
          }
        : { detail: `all set in ${plan.selected.join(', ')}` })
    },
    async () => {
      if (!changed) return { status: 'unchanged', value: app }
      try {
        return { status: 'updated', value: await applyVariables(ctx, replan) }
      } catch (error) {
        // A job has no revision to blame: its PATCH failing is the variables' failure. An app's PATCH whose new
        // revision fails to provision fails the PATCH's own operation: that is the revision's failure.
        if (!WORKLOADS[ctx.target.kind].hasRevisions || !isRevisionFailure(readAzureError(error))) throw error
        // The variables were written; it is the revision they made that failed. Report it there.
        revisionFailure = error
        return {
          status: 'updated',
          value: await getTarget(ctx.clients, ctx.target, { abortSignal: ctx.deadline.signal })
        }
      }
    },
    explainer(ctx, 'set the Redis variables')
  )
  if (!changed || (!ctx.config.wait && !revisionFailure)) return undefined
  // A job has no revisions (no latestRevisionName): its next execution runs the template just written.
  const name = updated.latestRevisionName
  if (!name) return undefined
  return recordStep<RevisionOutcome>(
    report,
    { id: 'revision', before: app.latestReadyRevisionName ?? 'none', after: name },
    async () => {
      if (revisionFailure)
        throw new Error(`Revision ${name} failed: ${readAzureError(revisionFailure).message}`)
      const outcome = await speaksForItself(() => waitForRevision(ctx, name))
      const replaced = replacedWarning(outcome)
      if (replaced) report.warnings.push(replaced)
      return { status: 'created', detail: describeOutcome(outcome), value: outcome }
    },
    error => {
      const e = explainFailure(error, `wait for revision ${name}`, { deadline: ctx.deadline })
      return { message: e.message, fix: endedByStop(error) ? e.fix : REVISION_FIX }
    }
  )
}
