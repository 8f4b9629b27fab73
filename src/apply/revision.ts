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

/**
 * Waits until the new revision is provisioned, running and healthy, and is the app's latest ready revision.
 * This wait is the action's own (no LRO covers it), so it polls often enough to overshoot by under a second.
 */
export async function waitForRevision(ctx: RunContext, revisionName: string): Promise<RevisionOutcome> {
  const { inputs, clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  let lastSeen = 'nothing yet'
  for (;;) {
    const [revision, app] = await Promise.all([
      clients.apps.containerAppsRevisions.getRevision(
        inputs.resourceGroup,
        inputs.containerApp,
        revisionName,
        options
      ),
      clients.apps.containerApps.get(inputs.resourceGroup, inputs.containerApp, options)
    ])
    lastSeen = `${describeRevision(revision)}; latest ready revision ${app.latestReadyRevisionName ?? 'none'}`
    const failure = revisionFailed(revision)
    if (failure) return { ready: false, revision, app, failure }
    if (revisionReady(revision) && app.latestReadyRevisionName === revisionName)
      return { ready: true, revision, app }
    const pause = Math.min(ctx.pollIntervalMs, deadline.remainingMs())
    if (pause <= 0) throw new DeadlineExceededError(`revision ${revisionName} to become ready`, lastSeen)
    await ctx.sleep(pause)
  }
}
