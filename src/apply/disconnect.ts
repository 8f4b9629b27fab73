import { withRetry } from '../azure/retry.js'
import { explainFailure } from '../explain-failure.js'
import { findAssignmentFor } from '../plan/assignment-plan.js'
import { clientIdVariablesToRemove, planDisconnect } from '../plan/disconnect-plan.js'
import type { CurrentState } from '../read/read-state.js'
import { patchIdentity, variablesTitle, type TargetResource } from '../read/target.js'
import { speaksForItself } from '../progress.js'
import { recordStep } from '../report/record-step.js'
import type { CheckRecord, RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { readRevisionEvidence } from '../verify/control-plane.js'
import type { CacheRef } from '../read/read-cache.js'
import { cacheAssignments } from './cache-assignments.js'
import { deleteAssignment } from './delete-assignment.js'
import { principalOf } from './identity.js'
import { waitForRevision } from './revision.js'
import { applyVariables } from './variables.js'

/**
 * `mode: disconnect`: removes the assignment and the variables (a new revision), and the identity only with
 * remove-identity: true. Idempotent like apply: what is already gone is not touched.
 */
export async function disconnect(ctx: RunContext, report: RunReport, state: CurrentState): Promise<void> {
  const { inputs } = ctx
  const explain = (doing: string) => (error: unknown) =>
    explainFailure(error, doing, { cloud: ctx.cloud, clientId: inputs.clientId, deadline: ctx.deadline })
  const principal = principalOf(state.app, inputs.identity)
  const principalId = principal.principalId ?? state.userIdentity?.principalId
  const clientId = principal.clientId ?? state.userIdentity?.clientId
  const planFor = (app: TargetResource) =>
    planDisconnect({
      identity: app.identity,
      choice: inputs.identity,
      principalId,
      clientId,
      assignments: state.assignments,
      containers: app.template?.containers ?? [],
      selected: inputs.containers,
      names: inputs.variables,
      removeIdentity: inputs.removeIdentity
    })
  const plan = planFor(state.app)
  report.variablesSet.push(...plan.variables.changes)
  report.outputs['principal-id'] = principalId ?? ''

  const removeAssignment = recordStep(
    report,
    {
      id: 'assignment',
      title: 'Redis access policy assignment',
      before: plan.assignment ? `${plan.assignment.name}: ${plan.assignment.accessPolicyName}` : 'none',
      after: 'none'
    },
    async () => {
      if (!plan.assignment?.name) return { status: 'unchanged', value: undefined }
      const name = plan.assignment.name
      await ctx.cacheQueue.run(() => deleteAssignment(ctx, state.cacheRef, name), {
        what: `the removal of the access policy assignment of ${inputs.target.name}`,
        timed: time => report.timeCacheQueue(time)
      })
      return { status: 'updated', detail: 'deleted', value: undefined }
    },
    explain('delete the access policy assignment')
  )
  const removeVariables = recordStep(
    report,
    {
      id: 'variables',
      title: variablesTitle(inputs.target.kind),
      ...(plan.variables.changes.length
        ? { before: `${plan.variables.changes.length} set`, after: 'removed' }
        : { detail: 'none set' })
    },
    async () => {
      if (!plan.variables.changes.length) return { status: 'unchanged', value: state.app }
      const updated = await applyVariables(ctx, current => planFor(current).variables)
      if (inputs.wait && updated.latestRevisionName) {
        const revision = updated.latestRevisionName
        const outcome = await speaksForItself(() => waitForRevision(ctx, revision))
        return {
          status: 'updated',
          detail: `new revision ${updated.latestRevisionName} is ready`,
          value: outcome.app
        }
      }
      return { status: 'updated', value: updated }
    },
    explain('remove the Redis variables')
  )
  const [assignmentResult, variablesResult] = await Promise.allSettled([removeAssignment, removeVariables])
  if (assignmentResult.status === 'rejected' || variablesResult.status === 'rejected') return
  let app = variablesResult.value

  if (inputs.removeIdentity) {
    const identityPlan = planFor(app).identity
    app = await recordStep(
      report,
      {
        id: 'identity',
        title: 'Managed identity',
        before: identityPlan?.before ?? 'not attached',
        after: identityPlan?.after ?? 'not attached'
      },
      async () => {
        if (!identityPlan) return { status: 'unchanged', value: app }
        const updated = await withRetry(
          () =>
            patchIdentity(ctx.clients, inputs.target, app, identityPlan.patch, {
              abortSignal: ctx.deadline.signal,
              updateIntervalInMs: ctx.pollIntervalMs
            }),
          { deadline: ctx.deadline, sleep: ctx.sleep, what: 'remove the managed identity' }
        )
        return { status: 'updated', value: updated }
      },
      explain('remove the managed identity')
    )
  }
  for (const check of await disconnectChecks(ctx, state.cacheRef, app, principalId, clientId))
    report.check(check)
  report.outputs.revision = app.latestReadyRevisionName ?? ''
  report.outputs.verified = report.checks.every(c => c.status !== 'failed')
}

async function disconnectChecks(
  ctx: RunContext,
  ref: CacheRef,
  app: TargetResource,
  principalId: string | undefined,
  clientId: string | undefined
): Promise<CheckRecord[]> {
  const { inputs } = ctx
  const assignments = await cacheAssignments(ctx, ref).list()
  const left = principalId ? findAssignmentFor(assignments, principalId) : undefined
  const checks: CheckRecord[] = [
    left
      ? {
          id: 'assignment-removed',
          title: 'No access policy assignment is left',
          status: 'failed',
          evidence: `assignment ${left.name} for object id ${principalId} is still on ${inputs.redisName}`,
          fix: 'Rerun the action with mode: disconnect.'
        }
      : {
          id: 'assignment-removed',
          title: 'No access policy assignment is left',
          status: 'passed',
          evidence: `no assignment on ${inputs.redisName} for object id ${principalId ?? '(no identity)'}`
        }
  ]
  const revision = await readRevisionEvidence(ctx, app)
  const template = revision?.template ?? app.template
  const names = new Set([inputs.variables.host, inputs.variables.port, inputs.variables.objectId])
  const selected = (template?.containers ?? []).filter(
    c => !inputs.containers || inputs.containers.includes(c.name ?? '')
  )
  // A variable from a secret is not the action's (apply never replaces one): disconnect keeps it.
  const fromSecrets = selected.flatMap(c =>
    (c.env ?? [])
      .filter(v => names.has(v.name ?? '') && v.secretRef !== undefined)
      .map(v => `${c.name}: ${v.name} from secret ${v.secretRef}`)
  )
  // A client id variable left must not name the identity disconnected; one naming another identity is not ours.
  const still = selected.flatMap(c => {
    const env = c.env ?? []
    const left = [
      ...env.filter(v => names.has(v.name ?? '') && v.secretRef === undefined).map(v => v.name ?? ''),
      ...clientIdVariablesToRemove(env, inputs.variables, app.identity, clientId)
    ]
    return left.map(name => `${c.name}: ${name}`)
  })
  checks.push(
    still.length
      ? {
          id: 'variables-removed',
          title: 'The Redis variables are gone',
          status: 'failed',
          evidence: `still set in ${revision ? `revision ${revision.name}` : `the ${inputs.target.kind} template`}: ${still.join(', ')}`,
          fix: 'Rerun the action with mode: disconnect.'
        }
      : {
          id: 'variables-removed',
          title: 'The Redis variables are gone',
          status: 'passed',
          evidence: `none of ${[...names].join(', ')}${clientId ? `, and no client id variable set to ${clientId},` : ''} in ${revision ? `revision ${revision.name}` : `the ${inputs.target.kind} template`}${fromSecrets.length ? ` (kept, as the action never set them: ${fromSecrets.join(', ')})` : ''}`
        }
  )
  return checks
}
