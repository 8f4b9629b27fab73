import { connectionToRemove, disconnect } from './apply/disconnect.js'
import { applyConnection } from './apply/apply-connection.js'
import { waitForRevisionInFlight } from './apply/revision-in-flight.js'
import { isOssCluster } from './azure/managed-redis.js'
import { explainFailure } from './explain-failure.js'
import { planConnection, type ReadyPlan } from './plan/plan-connection.js'
import { planIdentity, type IdentityPlan } from './plan/identity-plan.js'
import { readState, type CurrentState } from './read/read-state.js'
import { MODES, type Mode } from './domain/mode.js'
import { portalLink } from './domain/portal-links.js'
import { cacheFacts } from './domain/cache.js'
import { recordPlan } from './report/record-plan.js'
import { StepFailed } from './report/record-step.js'
import { blockedTitle } from './report/steps.js'
import type { RunReport } from './report/run-report.js'
import type { RunContext } from './run-context.js'
import type { RedisEndpoint } from './verify/data-plane-checks.js'
import { verifyConnection, type VerifyFrom } from './verify/verify-connection.js'

/** Where the cache answers, as read: what the runner's probe connects to. */
function endpointOf(state: CurrentState): RedisEndpoint {
  const cache = cacheFacts(state.cache)
  return {
    host: cache.hostName ?? '',
    port: cache.port ?? 0,
    ossCluster: isOssCluster(cache.clusteringPolicy)
  }
}

/**
 * The checks, after waiting for a revision still starting when the run made none: the app serves it once it is
 * ready, so the checks read it.
 */
async function verifyStage(ctx: RunContext, report: RunReport, from: VerifyFrom): Promise<void> {
  const waited = from.revision ?? (await waitForRevisionInFlight(ctx, report, from.app))
  if (waited) report.results.revision = waited.app.latestReadyRevisionName ?? ''
  const verified = await verifyConnection(ctx, { ...from, revision: waited })
  report.results.revision = verified.revision
  for (const check of verified.checks) report.check(check)
}

/** What every mode's pipeline starts from: the state read and the identity planned from it. */
interface Read {
  state: CurrentState
  identity: IdentityPlan
  endpoint: RedisEndpoint
}

/** Plans the connection; a blocked plan fails the run before any write, and nothing else happens. */
function readyPlan(ctx: RunContext, report: RunReport, read: Read): ReadyPlan | undefined {
  const { config } = ctx
  const planned = planConnection(read.state, config, ctx.target, read.identity, {
    entraAuthWillBeOn: config.enableEntraAuth && MODES[config.mode].entraAuth === 'assume-on'
  })
  if (planned.ready) return planned
  const [first, ...rest] = planned.blockers
  report.fail(
    blockedTitle(first.step),
    [first.message, ...rest.map(b => b.message)].join(' '),
    [first.fix, ...rest.map(b => b.fix)].join(' ')
  )
  return undefined
}

/** What each mode does once the state is read. */
const AFTER_READ: Record<Mode, (ctx: RunContext, report: RunReport, read: Read) => Promise<void> | void> = {
  async apply(ctx, report, read) {
    const planned = readyPlan(ctx, report, read)
    if (!planned) return
    const applied = await applyConnection(ctx, report, read.state, planned)
    report.results.apply = { principal: applied.principal, assignmentName: applied.assignmentName }
    if (applied.revision) report.results.revision = applied.revision.app.latestReadyRevisionName ?? ''
    if (applied.applied) await verifyStage(ctx, report, { ...applied.applied, endpoint: read.endpoint })
  },
  plan(ctx, report, read) {
    const planned = readyPlan(ctx, report, read)
    if (!planned) return
    report.results.plan = { assignmentName: planned.assignment.name }
    recordPlan(report, planned)
  },
  async verify(ctx, report, { state, identity, endpoint }) {
    const planned = readyPlan(ctx, report, { state, identity, endpoint })
    if (!planned) return
    await verifyStage(ctx, report, {
      app: state.app,
      cache: state.cache,
      endpoint,
      assignments: state.cache.assignments,
      expectedPrincipalId: identity.principalId,
      policy: planned.assignment.policy
    })
  },
  async disconnect(ctx, report, { state }) {
    report.results.disconnect = { principalId: connectionToRemove(state, ctx.config.identity).principalId }
    const done = await disconnect(ctx, report, state)
    if (!done) return
    report.results.revision = done.revision
    for (const check of done.checks) report.check(check)
  }
}

/**
 * One app's pipeline: read, then what its mode does (plan → apply → verify, plan, verify or disconnect). Each stage
 * returns what it found or did; the pipeline records it in the report (results, from which the outputs are
 * computed) as each stage returns.
 */
export async function connectApp(ctx: RunContext, report: RunReport): Promise<void> {
  const { config } = ctx
  try {
    const state = await readState(ctx.clients, config, ctx.target, ctx.deadline, ctx.cache).catch(error => {
      const e = explainFailure(error, 'read the current state', {
        cloud: ctx.cloud,
        deadline: ctx.deadline
      })
      report.fail(e.title, e.message, e.fix)
      throw new StepFailed(e.message)
    })
    report.links.cache = portalLink(ctx.cloud.portal, state.cache.id)
    const fqdn = state.app.configuration?.ingress?.fqdn
    if (fqdn) report.links.appUrl = `https://${fqdn}`
    const identity = planIdentity(state.app.identity, config.identity, state.userIdentity)
    const endpoint = endpointOf(state)
    const cache = cacheFacts(state.cache)
    report.clusteringPolicy = cache.clusteringPolicy
    report.results.read = {
      host: endpoint.host,
      port: String(cache.port ?? ''),
      revision: state.app.latestReadyRevisionName ?? '',
      principalId: identity.principalId,
      clientId: identity.clientId
    }
    await AFTER_READ[config.mode](ctx, report, { state, identity, endpoint })
  } catch (error) {
    if (error instanceof StepFailed) return
    const e = explainFailure(error, 'connect the app', {
      cloud: ctx.cloud,
      deadline: ctx.deadline
    })
    report.fail(e.title, e.message, e.fix)
  }
}
