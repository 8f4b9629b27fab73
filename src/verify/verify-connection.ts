import type { RedisCacheAccessPolicyAssignment, RedisResource } from '@azure/arm-rediscache'
import { readNewerRevision, readRevisionEvidence, type RevisionOutcome } from '../apply/revision.js'
import { waitForRevisionInFlight } from '../apply/revision-in-flight.js'
import type { TargetResource } from '../read/target.js'
import type { RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { controlPlaneChecks } from './control-plane.js'
import { runDataPlaneChecks } from './data-plane-checks.js'

/** Runs every check on the freshest state the run holds, reading only what it lacks. */
export async function verifyConnection(
  ctx: RunContext,
  report: RunReport,
  o: {
    app: TargetResource
    cache: RedisResource
    assignments: RedisCacheAccessPolicyAssignment[]
    expectedPrincipalId?: string
    revision?: RevisionOutcome
    /** The policy the assignment must carry (see effectivePolicy). */
    policy: string
  }
): Promise<void> {
  // A run that made no revision still waits for one that is starting: the app serves it once it is ready.
  const waited = o.revision ?? (await waitForRevisionInFlight(ctx, report, o.app))
  const app = waited?.app ?? o.app
  // The wait hands over the revision it saw ready; otherwise read what the checks need.
  const [ready, latest] = await Promise.all([
    waited && waited.revision.name === app.latestReadyRevisionName
      ? waited.revision
      : readRevisionEvidence(ctx, app),
    // The revision check says why a newer revision is not ready (or, without the wait, that one is starting).
    readNewerRevision(ctx, app)
  ])
  report.outputs.revision = app.latestReadyRevisionName ?? ''
  const checks = controlPlaneChecks(ctx, {
    app,
    cache: o.cache,
    assignments: o.assignments,
    revision: ready,
    latestRevision: latest,
    policy: o.policy,
    expectedPrincipalId: o.expectedPrincipalId
  })
  for (const check of checks) report.check(check)
  for (const check of await runDataPlaneChecks(ctx, report)) report.check(check)
  report.outputs.verified = report.checks.every(c => c.status !== 'failed')
}
