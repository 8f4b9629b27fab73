import * as core from '@actions/core'
import { WORKLOADS } from '../domain/target.js'
import { explainFailure } from '../explain-failure.js'
import { endedByStop } from '../read/read-error.js'
import { logSafe } from '../domain/text.js'
import { speaksForItself } from '../progress.js'
import { describeRevision, readRevisionState } from '../domain/revision.js'
import { getRevisionStatus } from '../read/revision-state.js'
import type { TargetResource } from '../read/target.js'
import { recordStep } from '../report/record-step.js'
import { underWayTitle } from '../report/steps.js'
import type { RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { describeOutcome, replacedWarning, waitForRevision, type RevisionOutcome } from './revision.js'

const FIX =
  'Check the revision in the portal (Revisions and replicas) and its logs: it was made before this run (by an earlier run of this action or by another deploy), and its containers did not start.'

/**
 * The app's latest revision, when it is not its latest ready one: the revision that is still starting. A run that
 * wrote no template finds one when an earlier run was cancelled after its template PATCH (or another deploy is in
 * flight): Azure made the revision, and it becomes the latest ready one when it starts. None for a job.
 */
export function revisionInFlight(app: TargetResource): string | undefined {
  const latest = app.latestRevisionName
  return latest && latest !== app.latestReadyRevisionName ? latest : undefined
}

/**
 * Waits for the revision still starting when this run made none (see revisionInFlight), with the wait, the progress
 * lines and the bad ends of a new revision's wait, so the checks read the revision the app is about to serve
 * rather than the one before it.
 *
 * It waits for the latest revision whatever it carries. If an earlier run of this action made it, it carries the
 * variables (the template has them, or this run would have written them). If another deploy made it, it is still
 * the revision that takes the traffic once ready (in Single revision mode, the only one), so the checks that follow
 * must read it: they pass only if it carries the Redis variables, and say so if it does not, naming it. A revision
 * that has already ended (Degraded, Failed, …) is not waited for: the checks report it as they find it.
 */
export async function waitForRevisionInFlight(
  ctx: RunContext,
  report: RunReport,
  app: TargetResource
): Promise<RevisionOutcome | undefined> {
  const name = revisionInFlight(app)
  if (!name || !ctx.config.wait || !WORKLOADS[ctx.target.kind].hasRevisions) return undefined
  const { clients, deadline } = ctx
  const first = await getRevisionStatus(clients.apps, ctx.target.resourceGroup, ctx.target.name, name, {
    abortSignal: deadline.signal
  })
  if (readRevisionState(first).phase === 'failed') return undefined
  return recordStep<RevisionOutcome>(
    report,
    {
      id: 'revision',
      title: underWayTitle('revision'),
      before: app.latestReadyRevisionName ?? 'none',
      after: name
    },
    async () => {
      core.info(
        `Revision ${name}, made before this run, is not the app's latest ready revision yet (${logSafe(describeRevision(first))}): waiting for it, the revision the app serves once it is ready.`
      )
      const outcome = await speaksForItself(() => waitForRevision(ctx, name))
      const replaced = replacedWarning(outcome)
      if (replaced) report.warnings.push(replaced)
      return { status: 'done', detail: describeOutcome(outcome), value: outcome }
    },
    error => {
      const e = explainFailure(error, `wait for revision ${name}`, { deadline })
      return { message: e.message, fix: endedByStop(error) ? e.fix : FIX }
    }
  )
}
