import * as core from '@actions/core'
import type { ContainerApp } from '@azure/arm-appcontainers'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { applyAssignment } from './apply/assignment.js'
import { applyIdentity, principalOf } from './apply/identity.js'
import { waitForRevision, type RevisionOutcome } from './apply/revision.js'
import { applyVariables } from './apply/variables.js'
import { createClients } from './azure/clients.js'
import { realSleep, type Sleep } from './azure/retry.js'
import { resolveCloud, type Cloud } from './credential/clouds.js'
import { createCredential, type SignIn } from './credential/create-credential.js'
import { decodeJwtClaims, type IdTokenSource } from './credential/github-oidc.js'
import { Deadline } from './deadline.js'
import { explainFailure } from './explain-failure.js'
import { readInputs } from './inputs/read-inputs.js'
import type { Inputs } from './inputs/types.js'
import { planAssignment, type AssignmentPlan } from './plan/assignment-plan.js'
import type { Blocker } from './plan/blocker.js'
import { planIdentity, type IdentityPlan } from './plan/identity-plan.js'
import { planVariables, type ConnectionValues, type VariablesPlan } from './plan/variables-plan.js'
import { readState, type CurrentState } from './read/read-state.js'
import { appResourceId, cacheResourceId, portalLink } from './report/portal-links.js'
import type { RunReport, StepRecord } from './report/run-report.js'
import type { RunContext } from './run-context.js'
import { aadEnabled, controlPlaneChecks, entraFix, readRevisionEvidence } from './verify/control-plane.js'
import { runDataPlaneChecks } from './verify/data-plane-checks.js'

export interface RunDependencies {
  sleep?: Sleep
  fetchIdToken?: IdTokenSource
  pollIntervalMs?: number
}

/** A failure already recorded on a step of the report. */
class StepFailed extends Error {}

interface Planned {
  identity: IdentityPlan
  assignment?: AssignmentPlan
  variables?: VariablesPlan
  values: ConnectionValues
  blockers: Blocker[]
}

function planAll(state: CurrentState, inputs: Inputs, identity: IdentityPlan): Planned {
  const values: ConnectionValues = {
    host: state.cache.hostName ?? '',
    port: String(state.cache.sslPort ?? ''),
    objectId: identity.principalId,
    clientId: inputs.identity.kind === 'user' ? identity.clientId : undefined
  }
  const blockers: Blocker[] = []
  if (!aadEnabled(state.cache)) {
    blockers.push({
      step: 'cache',
      message: `Microsoft Entra authentication is off on cache ${inputs.redisName} (aad-enabled is ${String(state.cache.redisConfiguration?.aadEnabled ?? 'unset')}), so it cannot accept access policy assignments or tokens.`,
      fix: entraFix(inputs.redisName, inputs.redisResourceGroup)
    })
  }
  if (!state.cache.sslPort || !state.cache.hostName) {
    blockers.push({
      step: 'cache',
      message: `Cache ${inputs.redisName} reports no host name or TLS port (provisioning state ${state.cache.provisioningState ?? 'unknown'}).`,
      fix: 'Wait until the cache is provisioned, then rerun.'
    })
  }
  const assignment = planAssignment({
    assignments: state.assignments,
    policies: state.policies,
    wantedPolicy: inputs.accessPolicy,
    objectId: identity.principalId,
    requestedName: inputs.assignmentName,
    alias: inputs.containerApp
  })
  const variables = planVariables({
    containers: state.app.template?.containers ?? [],
    selected: inputs.containers,
    names: inputs.variables,
    values
  })
  return {
    identity,
    assignment: assignment.plan,
    variables: variables.plan,
    values,
    blockers: [...blockers, ...assignment.blockers, ...variables.blockers]
  }
}

async function timed<T>(
  report: RunReport,
  base: Omit<StepRecord, 'status'>,
  work: () => Promise<{ status: StepRecord['status']; after?: string; detail?: string; value: T }>,
  explain: (e: unknown) => { message: string; fix?: string }
): Promise<T> {
  const started = Date.now()
  try {
    const { status, after, detail, value } = await work()
    report.step({
      ...base,
      status,
      after: after ?? base.after,
      detail: detail ?? base.detail,
      durationMs: Date.now() - started
    })
    return value
  } catch (error) {
    if (error instanceof StepFailed) throw error
    const explained = explain(error)
    report.step({
      ...base,
      status: 'failed',
      durationMs: Date.now() - started,
      error: explained.message,
      fix: explained.fix
    })
    report.fail(base.title, explained.message, explained.fix)
    throw new StepFailed(explained.message)
  }
}

/** The pipeline: inputs → credential → read → plan → apply → verify. Every finding goes into the report. */
export async function connect(report: RunReport, deps: RunDependencies): Promise<void> {
  let inputs: Inputs
  try {
    inputs = readInputs()
  } catch (error) {
    const e = explainFailure(error, 'read the inputs', {})
    report.fail(e.title, e.message, e.fix)
    return
  }
  report.mode = inputs.mode
  report.target = {
    app: inputs.containerApp,
    resourceGroup: inputs.resourceGroup,
    cache: inputs.redisName,
    cacheResourceGroup: inputs.redisResourceGroup,
    subscriptionId: inputs.subscriptionId
  }
  report.variableNames = { ...inputs.variables, usesClientId: inputs.identity.kind === 'user' }
  const cloud: Cloud = resolveCloud(inputs.environment, {
    resourceManagerEndpoint: inputs.resourceManagerEndpoint,
    authorityHost: inputs.authorityHost,
    audience: inputs.audience
  })
  report.links.app = portalLink(
    cloud.portal,
    appResourceId(inputs.subscriptionId, inputs.resourceGroup, inputs.containerApp)
  )
  report.links.cache = portalLink(
    cloud.portal,
    cacheResourceId(inputs.subscriptionId, inputs.redisResourceGroup, inputs.redisName)
  )
  if (inputs.identity.kind === 'user')
    report.links.identity = portalLink(cloud.portal, inputs.identity.resourceId)

  const deadline = new Deadline(inputs.timeoutMinutes * 60_000)
  let signIn: SignIn | undefined
  const explain = (doing: string) => (error: unknown) =>
    explainFailure(error, doing, { cloud, signIn, clientId: inputs.clientId })

  try {
    signIn = await timed(
      report,
      { id: 'sign-in', title: 'Sign in to Azure' },
      async () => {
        const created = createCredential(inputs, cloud, deps.fetchIdToken)
        signIn = created
        // enableCae as the SDK clients ask for it: MSAL caches CAE and non-CAE tokens apart, so this one
        // token then serves every ARM client (no second Entra round trip before the first read).
        const token = await created.credential.getToken(cloud.resourceManagerScope, {
          abortSignal: deadline.signal,
          enableCae: true
        })
        if (!token) throw new Error('the credential returned no access token')
        core.setSecret(token.token)
        const claims = decodeJwtClaims(token.token) as { oid?: string }
        return {
          status: 'done',
          detail: `${created.describe}; workflow identity object id ${claims.oid ?? 'unknown'}`,
          value: created
        }
      },
      explain('sign in to Azure')
    )

    const ctx: RunContext = {
      inputs,
      cloud,
      clients: createClients(signIn.credential, inputs.subscriptionId, cloud),
      credential: signIn.credential,
      deadline,
      sleep: deps.sleep ?? realSleep,
      pollIntervalMs: deps.pollIntervalMs ?? 1000
    }
    const state = await readState(ctx.clients, inputs, deadline).catch(error => {
      const e = explainFailure(error, 'read the current state', { cloud, signIn, clientId: inputs.clientId })
      report.fail(e.title, e.message, e.fix)
      throw new StepFailed(e.message)
    })
    const planned = planAll(
      state,
      inputs,
      planIdentity(state.app.identity, inputs.identity, state.userIdentity)
    )
    report.outputs['redis-host'] = planned.values.host
    report.outputs['redis-port'] = planned.values.port
    report.outputs.revision = state.app.latestReadyRevisionName ?? ''
    recordKnownPrincipal(report, planned.identity)
    if (planned.blockers.length) {
      const [first, ...rest] = planned.blockers
      report.fail(
        first.step === 'cache'
          ? 'Cache is not ready for Microsoft Entra ID'
          : `Cannot ${first.step === 'assignment' ? 'assign the access policy' : 'set the variables'}`,
        [first.message, ...rest.map(b => b.message)].join(' '),
        [first.fix, ...rest.map(b => b.fix)].join(' ')
      )
      return
    }
    if (inputs.mode === 'plan') return recordPlan(report, planned)
    if (inputs.mode === 'verify')
      return await verify(ctx, report, state, state.app, state.assignments, planned.identity.principalId)
    await apply(ctx, report, state, planned)
  } catch (error) {
    if (error instanceof StepFailed) return
    const e = explainFailure(error, 'connect the app', { cloud, signIn, clientId: inputs.clientId })
    report.fail(e.title, e.message, e.fix)
  }
}

function recordKnownPrincipal(
  report: RunReport,
  identity: { principalId?: string; clientId?: string }
): void {
  report.outputs['principal-id'] = identity.principalId ?? ''
  report.outputs['client-id'] = identity.clientId ?? ''
}

function recordPlan(report: RunReport, planned: Planned): void {
  const { identity, assignment, variables } = planned
  report.step({
    id: 'identity',
    title: 'Managed identity',
    status: identity.change === 'add' ? 'planned' : 'unchanged',
    before: identity.before,
    after: identity.after
  })
  if (assignment)
    report.step({
      id: 'assignment',
      title: 'Redis access policy assignment',
      status: assignment.action === 'unchanged' ? 'unchanged' : 'planned',
      before: assignment.before,
      after: assignment.after
    })
  if (variables) {
    report.variablesSet.push(...variables.changes)
    report.step({
      id: 'variables',
      title: 'App variables',
      status: variables.changes.length ? 'planned' : 'unchanged',
      detail: variables.changes.length
        ? `${variables.changes.length} to set in ${variables.selected.join(', ')}`
        : `all set in ${variables.selected.join(', ')}`,
      ...(variables.changes.length
        ? { before: `${variables.changes.length} missing or different`, after: 'set; makes a new revision' }
        : {})
    })
  }
  report.outputs['assignment-name'] = assignment?.name ?? ''
}

async function apply(
  ctx: RunContext,
  report: RunReport,
  state: CurrentState,
  planned: Planned
): Promise<void> {
  const { inputs } = ctx
  const explain = (doing: string) => (error: unknown) =>
    explainFailure(error, doing, { cloud: ctx.cloud, clientId: inputs.clientId })

  const app = await timed<ContainerApp>(
    report,
    {
      id: 'identity',
      title: 'Managed identity',
      before: planned.identity.before,
      after: planned.identity.after
    },
    async () => {
      if (planned.identity.change === 'none') return { status: 'unchanged', value: state.app }
      const updated = await applyIdentity(ctx, state.app, planned.identity, state.userIdentity)
      return { status: 'updated', value: updated }
    },
    explain('add the managed identity')
  )
  const principal = principalOf(app, inputs.identity)
  const principalId = principal.principalId ?? planned.identity.principalId
  const clientId = principal.clientId ?? planned.identity.clientId
  if (!principalId) {
    report.fail(
      'Managed identity',
      'Azure returned no principal id for the identity.',
      'Rerun the action; if it persists, check the identity in the portal.'
    )
    return
  }
  recordKnownPrincipal(report, { principalId, clientId })
  const principalIsNew = planned.identity.change === 'add' && inputs.identity.kind === 'system'
  // Now that the principal is known, plan again: the assignment and variables depend on it.
  const final = planAll({ ...state, app }, inputs, { ...planned.identity, principalId, clientId })
  if (final.blockers.length) {
    report.fail(
      'Cannot continue',
      final.blockers.map(b => b.message).join(' '),
      final.blockers.map(b => b.fix).join(' ')
    )
    return
  }
  const assignmentPlan = final.assignment as AssignmentPlan & { objectId: string }
  const variablesPlan = final.variables as VariablesPlan
  report.variablesSet.push(...variablesPlan.changes)
  report.outputs['assignment-name'] = assignmentPlan.name

  // The assignment and the variables both need only the principal id: do them at once.
  const [assignment, revision] = await Promise.allSettled([
    timed<RedisCacheAccessPolicyAssignment | undefined>(
      report,
      {
        id: 'assignment',
        title: 'Redis access policy assignment',
        before: assignmentPlan.before,
        after: assignmentPlan.after
      },
      async () => {
        if (assignmentPlan.action === 'unchanged') return { status: 'unchanged', value: undefined }
        const written = await applyAssignment(ctx, assignmentPlan, principalIsNew)
        report.outputs['assignment-name'] = written.name ?? assignmentPlan.name
        return {
          status: assignmentPlan.action === 'create' ? 'created' : 'updated',
          after: `${written.name}: ${written.accessPolicyName} (${written.provisioningState ?? 'Succeeded'})`,
          value: written
        }
      },
      explain('write the access policy assignment')
    ),
    applyVariablesAndWait(ctx, report, app, variablesPlan, current => {
      const again = planVariables({
        containers: current.template?.containers ?? [],
        selected: inputs.containers,
        names: inputs.variables,
        values: final.values
      })
      if (!again.plan) throw new Error(again.blockers.map(b => b.message).join(' '))
      return again.plan
    })
  ])
  if (assignment.status === 'rejected' || revision.status === 'rejected') return

  const fresh = revision.value?.app
  const assignments = assignment.value
    ? [assignment.value, ...state.assignments.filter(a => a.name !== assignment.value?.name)]
    : state.assignments
  await verify(ctx, report, state, fresh, assignments, principalId, revision.value)
}

async function applyVariablesAndWait(
  ctx: RunContext,
  report: RunReport,
  app: ContainerApp,
  plan: VariablesPlan,
  replan: (current: ContainerApp) => VariablesPlan
): Promise<RevisionOutcome | undefined> {
  const explain = (doing: string) => (error: unknown) =>
    explainFailure(error, doing, { cloud: ctx.cloud, clientId: ctx.inputs.clientId })
  const changed = plan.changes.length > 0
  const updated = await timed<ContainerApp>(
    report,
    {
      id: 'variables',
      title: 'App variables',
      ...(changed
        ? {
            before: `${plan.changes.length} missing or different`,
            after: `set in ${plan.selected.join(', ')}`
          }
        : { detail: `all set in ${plan.selected.join(', ')}` })
    },
    async () => {
      if (!changed) return { status: 'unchanged', value: app }
      return { status: 'updated', value: await applyVariables(ctx, app, plan, replan) }
    },
    explain('set the Redis variables')
  )
  if (!changed || !ctx.inputs.wait) return undefined
  const name = updated.latestRevisionName
  if (!name) return undefined
  return timed<RevisionOutcome>(
    report,
    { id: 'revision', title: 'New revision', before: app.latestReadyRevisionName ?? 'none', after: name },
    async () => {
      const outcome = await waitForRevision(ctx, name)
      report.outputs.revision = outcome.app.latestReadyRevisionName ?? ''
      if (!outcome.ready) throw new Error(`Revision ${name} failed: ${outcome.failure}`)
      return { status: 'created', detail: 'provisioned, running and healthy', value: outcome }
    },
    error => ({
      message: explainFailure(error, `wait for revision ${name}`, {}).message,
      fix: 'Check the revision in the portal (Revisions and replicas) and its logs: the new revision only adds the Redis variables, so the image or its configuration fails to start.'
    })
  )
}

async function verify(
  ctx: RunContext,
  report: RunReport,
  state: CurrentState,
  freshApp: ContainerApp | undefined,
  assignments: RedisCacheAccessPolicyAssignment[],
  expectedPrincipalId: string | undefined,
  revision?: RevisionOutcome
): Promise<void> {
  const app =
    freshApp ??
    (report.outputs.changed
      ? await ctx.clients.apps.containerApps.get(ctx.inputs.resourceGroup, ctx.inputs.containerApp, {
          abortSignal: ctx.deadline.signal
        })
      : state.app)
  const readyRevision =
    revision?.revision && revision.revision.name === app.latestReadyRevisionName
      ? revision.revision
      : await readRevisionEvidence(ctx, app)
  report.outputs.revision = app.latestReadyRevisionName ?? ''
  const checks = controlPlaneChecks(ctx, {
    app,
    cache: state.cache,
    assignments,
    revision: readyRevision,
    policy: ctx.inputs.accessPolicy,
    expectedPrincipalId
  })
  for (const check of checks) report.check(check)
  for (const check of await runDataPlaneChecks(ctx, report)) report.check(check)
  report.outputs.verified = report.checks.every(c => c.status !== 'failed')
}
