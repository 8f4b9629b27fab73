import { withRetry } from '../azure/retry.js'
import { explainFailure } from '../explain-failure.js'
import { findAssignmentFor } from '../plan/assignment-plan.js'
import {
  planDisconnect,
  type DisconnectedConnection,
  type DisconnectPlan,
  type KeptVariables
} from '../plan/disconnect-plan.js'
import type { IdentityChoice } from '../inputs/types.js'
import type { CurrentState } from '../read/read-state.js'
import { patchIdentity, type TargetResource } from '../read/target.js'
import { describeTarget } from '../domain/target.js'
import { speaksForItself } from '../progress.js'
import { recordStep } from '../report/record-step.js'
import type { CheckRecord, RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { cacheAssignments } from './cache-assignments.js'
import { deleteAssignment } from './delete-assignment.js'
import { principalOf } from '../domain/identities.js'
import { cacheFacts, type CacheState } from '../domain/cache.js'
import { readRevisionEvidence, replacedWarning, waitForRevision } from './revision.js'
import { decideAssignment, type AssignmentDecision } from './shared-assignment.js'
import { applyVariables } from './variables.js'

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The variables step's before → after: what was set, what went, what stayed. */
function variablesChange(plan: DisconnectPlan): { before: string; after: string } | { detail: string } {
  const removed = plan.variables.changes.length
  const kept = plan.kept.reduce((n, k) => n + k.names.length, 0)
  if (!removed && !kept) return { detail: 'none set' }
  if (!kept) return { before: `${removed} set`, after: 'removed' }
  return {
    before: `${removed + kept} set`,
    after: `${removed ? `${removed} removed, ` : ''}${kept} kept (not this connection's, or not visible; see the warnings)`
  }
}

function keptWarning(ctx: RunContext, k: KeptVariables): string {
  return `Kept ${k.names.join(', ')} in container "${k.container}" of ${describeTarget(ctx.target)}: ${k.reason}. Remove them yourself if they are this connection's.`
}

/** The connection a disconnect removes: the cache's endpoint and the identity the app signs in to it as. */
export function connectionToRemove(state: CurrentState, choice: IdentityChoice): DisconnectedConnection {
  const principal = principalOf(state.app, choice)
  const cache = cacheFacts(state.cache)
  return {
    host: cache.hostName ?? '',
    port: String(cache.port ?? ''),
    principalId: principal.principalId ?? state.userIdentity?.principalId,
    clientId: principal.clientId ?? state.userIdentity?.clientId
  }
}

/** What a disconnect that ran to its end found: its checks, and the latest ready revision they read. */
export interface Disconnected {
  checks: CheckRecord[]
  revision: string
}

/**
 * `mode: disconnect`: removes the assignment and this connection's variables (a new revision), and the identity
 * only with remove-identity: true. What is not this connection's alone stays, with a warning that says why: an
 * assignment other apps' identity needs, variables that name another cache or identity, an identity the app's
 * registries or secrets use. Idempotent like apply: what is already gone is not touched.
 */
export async function disconnect(
  ctx: RunContext,
  report: RunReport,
  state: CurrentState
): Promise<Disconnected | undefined> {
  const { config } = ctx
  const explain = (doing: string) => (error: unknown) =>
    explainFailure(error, doing, { cloud: ctx.cloud, deadline: ctx.deadline })
  const connection = connectionToRemove(state, config.identity)
  const planFor = (app: TargetResource) =>
    planDisconnect({
      choice: config.identity,
      connection,
      assignments: state.cache.assignments,
      app,
      selected: config.containers,
      names: config.variables,
      removeIdentity: config.removeIdentity
    })
  const plan = planFor(state.app)
  report.variablesSet.push(...plan.variables.changes)
  for (const k of plan.kept) report.warnings.push(keptWarning(ctx, k))
  const keptCount = plan.kept.reduce((n, k) => n + k.names.length, 0)
  if (keptCount) report.kept.push(plural(keptCount, 'variable'))

  const removeAssignment = recordStep<AssignmentDecision | undefined>(
    report,
    {
      id: 'assignment',
      before: plan.assignment ? `${plan.assignment.name}: ${plan.assignment.accessPolicyName}` : 'none',
      after: 'none'
    },
    async () => {
      if (!plan.assignment?.name) return { status: 'unchanged', value: undefined }
      const name = plan.assignment.name
      const decision = await decideAssignment(ctx, plan.assignment)
      if (!decision.delete) {
        report.warnings.push(decision.warning)
        report.kept.push('the access policy assignment')
        return {
          status: 'skipped',
          after: `kept: ${decision.reason}`,
          detail: decision.warning,
          value: decision
        }
      }
      if (decision.warning) report.warnings.push(decision.warning)
      await ctx.cacheQueue.run(() => deleteAssignment(ctx, state.cache, name), {
        what: `the removal of the access policy assignment of ${ctx.target.name}`,
        timed: time => report.timeCacheQueue(time)
      })
      return { status: 'updated', detail: `deleted; ${decision.looked}`, value: decision }
    },
    explain('delete the access policy assignment')
  )
  const removeVariables = recordStep(
    report,
    { id: 'variables', ...variablesChange(plan) },
    async () => {
      if (!plan.variables.changes.length)
        return { status: plan.kept.length ? 'skipped' : 'unchanged', value: state.app }
      const updated = await applyVariables(ctx, current => planFor(current).variables)
      if (config.wait && updated.latestRevisionName) {
        const revision = updated.latestRevisionName
        const outcome = await speaksForItself(() => waitForRevision(ctx, revision))
        const replaced = replacedWarning(outcome)
        if (replaced) report.warnings.push(replaced)
        return {
          status: 'updated',
          detail: outcome.replaced
            ? `new revision ${revision} was replaced by ${outcome.replaced.by}, which is ready`
            : `new revision ${revision} is ready`,
          value: outcome.app
        }
      }
      return { status: 'updated', value: updated }
    },
    explain('remove the Redis variables')
  )
  const [assignmentResult, variablesResult] = await Promise.allSettled([removeAssignment, removeVariables])
  if (assignmentResult.status === 'rejected' || variablesResult.status === 'rejected') return undefined
  let app = variablesResult.value

  const checks: CheckRecord[] = []
  if (config.removeIdentity) {
    const removal = planFor(app).identity
    app = await recordStep(
      report,
      {
        id: 'identity',
        before: removal?.before ?? 'not attached',
        after: removal?.kind === 'remove' ? removal.after : (removal?.before ?? 'not attached')
      },
      async () => {
        if (!removal) return { status: 'unchanged', value: app }
        if (removal.kind === 'keep') {
          const uses = `${removal.usedBy.join(', ')} ${removal.usedBy.length === 1 ? 'uses' : 'use'} it`
          report.warnings.push(
            `Kept the managed identity on ${describeTarget(ctx.target)} (remove-identity: true): ${uses}, and would stop working without it. Point ${removal.usedBy.length === 1 ? 'it' : 'them'} at another identity, then rerun.`
          )
          report.kept.push('the managed identity')
          checks.push({
            id: 'identity-kept',
            title: 'The managed identity is kept',
            status: 'warning',
            evidence: `${removal.before} stays on ${describeTarget(ctx.target)}: ${uses}`,
            fix: 'Point them at another identity, then rerun with remove-identity: true.'
          })
          return { status: 'skipped', after: `kept: ${uses}`, detail: `kept: ${uses}`, value: app }
        }
        const updated = await withRetry(
          () =>
            patchIdentity(ctx.clients, ctx.target, app, removal.patch, {
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
  const verified = await disconnectChecks(ctx, {
    cache: state.cache,
    app,
    connection,
    decision: assignmentResult.value,
    planFor
  })
  return { checks: [...verified, ...checks], revision: app.latestReadyRevisionName ?? '' }
}

/** What is true after the disconnect, read back from Azure: each check says what it looked at. */
async function disconnectChecks(
  ctx: RunContext,
  o: {
    cache: CacheState
    app: TargetResource
    connection: DisconnectedConnection
    /** undefined: there was no assignment to decide about. */
    decision: AssignmentDecision | undefined
    planFor(app: TargetResource): DisconnectPlan
  }
): Promise<CheckRecord[]> {
  const { config } = ctx
  const { principalId } = o.connection
  const assignments = await cacheAssignments(ctx, o.cache).list()
  const left = principalId ? findAssignmentFor(assignments, principalId) : undefined
  const kept = o.decision?.delete === false ? o.decision : undefined
  const looked = o.decision?.delete ? `; ${o.decision.looked}` : ''
  const checks: CheckRecord[] = [
    kept && left
      ? {
          id: 'assignment-kept',
          title: 'The access policy assignment is kept',
          status: 'warning',
          evidence: `assignment ${left.name} for object id ${principalId} stays on ${config.redisName}: ${kept.reason}`,
          fix: 'See the warning: delete-shared-assignment: true deletes it anyway.'
        }
      : left
        ? {
            id: 'assignment-removed',
            title: 'No access policy assignment is left',
            status: 'failed',
            evidence: `assignment ${left.name} for object id ${principalId} is still on ${config.redisName}`,
            fix: 'Rerun the action with mode: disconnect.'
          }
        : {
            id: 'assignment-removed',
            title: 'No access policy assignment is left',
            status: 'passed',
            evidence: `no assignment on ${config.redisName} for object id ${principalId ?? '(no identity)'}${looked}`
          }
  ]
  const revision = await readRevisionEvidence(ctx, o.app)
  const template = revision?.template ?? o.app.template
  const where = revision ? `revision ${revision.name}` : `the ${ctx.target.kind} template`
  // Planning the disconnect again on what runs now: anything it would still remove was not removed.
  const again = o.planFor({ ...o.app, template })
  const still = again.variables.changes.map(c => `${c.container}: ${c.name}`)
  const names = config.variables
  const values = [
    `${names.host} = ${o.connection.host}`,
    `${names.port} = ${o.connection.port}`,
    `${names.objectId} = ${principalId ?? '(no identity)'}`,
    ...(o.connection.clientId ? [`a client id variable = ${o.connection.clientId}`] : [])
  ].join(', ')
  checks.push(
    still.length
      ? {
          id: 'variables-removed',
          title: 'The Redis variables are gone',
          status: 'failed',
          evidence: `still set in ${where}: ${still.join(', ')}`,
          fix: 'Rerun the action with mode: disconnect.'
        }
      : {
          id: 'variables-removed',
          title: 'The Redis variables are gone',
          status: 'passed',
          evidence: `none of this connection's variables (${values}) in ${where}`
        }
  )
  if (again.kept.length)
    checks.push({
      id: 'variables-kept',
      title: 'Variables left in place',
      status: 'warning',
      evidence: `in ${where}: ${again.kept.map(k => `${k.container}: ${k.names.join(', ')} (${k.reason})`).join('; ')}`,
      fix: "Remove them yourself if they are this connection's."
    })
  return checks
}
