import type { ContainerApp, Revision } from '@azure/arm-appcontainers'
import { DeadlineExceededError } from '../deadline.js'
import type { RunContext } from '../run-context.js'

export interface RevisionOutcome {
  ready: boolean
  revision?: Revision
  app: ContainerApp
  /** Why it is not ready, in Azure's words. */
  failure?: string
}

export function describeRevision(r: Revision | undefined): string {
  if (!r) return 'not found'
  return `provisioning ${r.provisioningState ?? '?'}, running ${r.runningState ?? '?'}, health ${r.healthState ?? '?'}`
}

export function revisionFailed(r: Revision): string | undefined {
  if (/Failed/i.test(r.provisioningState ?? '') || /Failed/i.test(r.runningState ?? '')) {
    return r.provisioningError || `revision ${r.name} ${describeRevision(r)}`
  }
  return undefined
}

export function revisionReady(r: Revision): boolean {
  return (
    /Provisioned/i.test(r.provisioningState ?? '') &&
    /^Running/i.test(r.runningState ?? '') &&
    /Healthy/i.test(r.healthState ?? '')
  )
}

/** Start-to-start interval of the revision polls (two GETs each). */
const REVISION_POLL_MS = 500

/**
 * Waits until the new revision is provisioned, running and healthy, and is the app's latest ready revision.
 * This wait is the action's own (no LRO covers it), so it polls often enough to overshoot by under a second.
 */
export async function waitForRevision(ctx: RunContext, revisionName: string): Promise<RevisionOutcome> {
  const { inputs, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  let lastSeen = 'nothing yet'
  // Polls start on a fixed cadence (not a pause after each answer), so a revision that turns ready is seen
  // at most one interval plus one round trip later: under a second for round trips under half a second.
  const interval = Math.min(ctx.pollIntervalMs, REVISION_POLL_MS)
  for (;;) {
    const polledAt = Date.now()
    const waitingFor = `revision ${revisionName} to become ready`
    const [revision, app] = await Promise.all([
      clients.apps.containerAppsRevisions.getRevision(
        inputs.resourceGroup,
        inputs.containerApp,
        revisionName,
        options
      ),
      clients.apps.containerApps.get(inputs.resourceGroup, inputs.containerApp, options)
    ]).catch((error: unknown) => {
      if (deadline.expired) throw new DeadlineExceededError(waitingFor, lastSeen)
      throw error
    })
    lastSeen = `${describeRevision(revision)}; latest ready revision ${app.latestReadyRevisionName ?? 'none'}`
    const failure = revisionFailed(revision)
    if (failure) return { ready: false, revision, app, failure }
    if (revisionReady(revision) && app.latestReadyRevisionName === revisionName)
      return { ready: true, revision, app }
    const remaining = deadline.remainingMs()
    if (remaining <= 0) throw new DeadlineExceededError(waitingFor, lastSeen)
    await ctx.sleep(Math.max(0, Math.min(interval - (Date.now() - polledAt), remaining)))
  }
}
