import type { RedisCacheAccessPolicyAssignment, RedisResource } from '@azure/arm-rediscache'
import type { RevisionOutcome } from '../apply/revision.js'
import type { TargetResource } from '../read/target.js'
import type { RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { controlPlaneChecks, readRevisionEvidence } from './control-plane.js'
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
  const readyRevision =
    o.revision?.revision && o.revision.revision.name === o.app.latestReadyRevisionName
      ? o.revision.revision
      : await readRevisionEvidence(ctx, o.app)
  report.outputs.revision = o.app.latestReadyRevisionName ?? ''
  const checks = controlPlaneChecks(ctx, {
    app: o.app,
    cache: o.cache,
    assignments: o.assignments,
    revision: readyRevision,
    policy: o.policy,
    expectedPrincipalId: o.expectedPrincipalId
  })
  for (const check of checks) report.check(check)
  for (const check of await runDataPlaneChecks(ctx, report)) report.check(check)
  report.outputs.verified = report.checks.every(c => c.status !== 'failed')
}
