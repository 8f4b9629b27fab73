import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import type { CacheState } from '../domain/cache.js'
import { readNewerRevision, readRevisionEvidence, type RevisionOutcome } from '../apply/revision.js'
import type { TargetResource } from '../read/target.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { controlPlaneChecks } from './control-plane.js'
import { runDataPlaneChecks, type RedisEndpoint } from './data-plane-checks.js'

/** What the checks start from: the freshest app, cache and assignments the run holds. */
export interface VerifyFrom {
  app: TargetResource
  cache: CacheState
  endpoint: RedisEndpoint
  assignments: RedisCacheAccessPolicyAssignment[]
  expectedPrincipalId?: string
  /** The revision the run waited for (its own, or one started before it), seen ready. */
  revision?: RevisionOutcome
  /** The policy the assignment must carry (see effectivePolicy). */
  policy: string
}

/** What the checks found, and the latest ready revision they read it on. */
export interface Verified {
  checks: CheckRecord[]
  revision: string
}

/** Runs every check on the freshest state the run holds, reading only what it lacks. */
export async function verifyConnection(ctx: RunContext, o: VerifyFrom): Promise<Verified> {
  const waited = o.revision
  const app = waited?.app ?? o.app
  // The wait hands over the revision it saw ready; otherwise read what the checks need.
  const [ready, latest] = await Promise.all([
    waited && waited.revision.name === app.latestReadyRevisionName
      ? waited.revision
      : readRevisionEvidence(ctx, app),
    // The revision check says why a newer revision is not ready (or, without the wait, that one is starting).
    readNewerRevision(ctx, app)
  ])
  const checks = controlPlaneChecks(ctx, {
    app,
    cache: o.cache,
    assignments: o.assignments,
    revision: ready,
    latestRevision: latest,
    policy: o.policy,
    expectedPrincipalId: o.expectedPrincipalId
  })
  return {
    checks: [...checks, ...(await runDataPlaneChecks(ctx, o.endpoint))],
    revision: app.latestReadyRevisionName ?? ''
  }
}
