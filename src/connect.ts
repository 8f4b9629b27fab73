import { disconnect } from './apply/disconnect.js'
import { applyConnection } from './apply/apply-connection.js'
import { explainFailure } from './explain-failure.js'
import type { Blocker } from './plan/blocker.js'
import { planConnection } from './plan/plan-connection.js'
import { planIdentity } from './plan/identity-plan.js'
import { readState } from './read/read-state.js'
import { portalLink } from './domain/portal-links.js'
import { recordPlan } from './report/record-plan.js'
import { StepFailed } from './report/record-step.js'
import type { RunReport } from './report/run-report.js'
import type { RunContext } from './run-context.js'
import { verifyConnection } from './verify/verify-connection.js'

const BLOCKER_TITLES: Record<Blocker['step'], string> = {
  cache: 'Cache is not ready for Microsoft Entra ID',
  assignment: 'Cannot assign the access policy',
  variables: 'Cannot set the variables',
  identity: 'The app would sign in as another identity'
}

/** One app's pipeline: read → plan → apply, verify, plan or disconnect. Every finding goes into its report. */
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
    report.links.cache = portalLink(ctx.cloud.portal, state.cacheRef.id)
    const fqdn = state.app.configuration?.ingress?.fqdn
    if (fqdn) report.links.appUrl = `https://${fqdn}`
    const identity = planIdentity(state.app.identity, config.identity, state.userIdentity)
    report.outputs['redis-host'] = state.cache.hostName ?? ''
    report.outputs['redis-port'] = String(state.cache.sslPort ?? '')
    report.clusteringPolicy = state.cacheRef.clusteringPolicy
    report.outputs.revision = state.app.latestReadyRevisionName ?? ''
    report.outputs['principal-id'] = identity.principalId ?? ''
    report.outputs['client-id'] = identity.clientId ?? ''
    if (config.mode === 'disconnect') return await disconnect(ctx, report, state)

    const planned = planConnection(state, config, ctx.target, identity, {
      entraAuthWillBeOn: config.enableEntraAuth && config.mode === 'plan'
    })
    if (planned.blockers.length) {
      const [first, ...rest] = planned.blockers
      const title = BLOCKER_TITLES[first.step]
      report.fail(
        title,
        [first.message, ...rest.map(b => b.message)].join(' '),
        [first.fix, ...rest.map(b => b.fix)].join(' ')
      )
      return
    }
    if (config.mode === 'plan') return recordPlan(report, planned)
    if (config.mode === 'verify') {
      return await verifyConnection(ctx, report, {
        app: state.app,
        cache: state.cache,
        assignments: state.assignments,
        expectedPrincipalId: identity.principalId,
        policy: planned.assignment?.policy ?? config.accessPolicy
      })
    }
    const applied = await applyConnection(ctx, report, state, planned)
    if (applied) await verifyConnection(ctx, report, applied)
  } catch (error) {
    if (error instanceof StepFailed) return
    const e = explainFailure(error, 'connect the app', {
      cloud: ctx.cloud,
      deadline: ctx.deadline
    })
    report.fail(e.title, e.message, e.fix)
  }
}
