import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { isDuplicateAssignment } from '../azure/classify.js'
import { withRetry } from '../azure/retry.js'
import { findAssignmentFor, planAssignment, type AssignmentPlan } from '../plan/assignment-plan.js'
import { CACHE_KINDS, type CacheState } from '../domain/cache.js'
import type { RunContext } from '../run-context.js'
import { cacheAssignments } from './cache-assignments.js'

/** The assignment after the step, and what the step did to it. */
export interface AssignmentApplied {
  assignment: RedisCacheAccessPolicyAssignment
  status: 'created' | 'updated' | 'unchanged'
}

/**
 * The plan again, from the assignments the cache has right now. The first plan came from the run's first read;
 * since then another run or a person may have made the assignment for this object id (under any name), changed
 * its policy, or taken the name.
 */
async function planFromFreshList(
  ctx: RunContext,
  cache: CacheState,
  first: AssignmentPlan & { objectId: string }
): Promise<{ plan: AssignmentPlan; existing?: RedisCacheAccessPolicyAssignment }> {
  const assignments = await cacheAssignments(ctx, cache).list()
  const requestedName =
    first.action === 'create'
      ? first.name
      : (ctx.config.assignmentName ?? CACHE_KINDS[cache.kind].defaultAssignmentName(first.objectId))
  const again = planAssignment({
    assignments,
    policies: [{ name: first.policy }],
    wantedPolicy: first.policy,
    objectId: first.objectId,
    requestedName,
    alias: ctx.target.name
  })
  if (!again.plan) throw new Error(again.blockers.map(b => `${b.message} ${b.fix}`).join(' '))
  return { plan: again.plan, existing: findAssignmentFor(assignments, first.objectId) }
}

/**
 * Creates or updates the assignment and waits for it (the SDK poller follows Location / Retry-After), planned from
 * the assignments listed right before the PUT (the caller runs this in the cache's queue, so no other write of the
 * run comes between): one already made for the object id is adopted, not written again.
 * A 409 "busy processing a previous update request" is retried, and so is "principal not found": the object id is
 * the principal Azure reports on the app's identity, so it exists in Entra, whether this run or an earlier step
 * (Bicep, `az containerapp create --system-assigned`, another run) created it; the Redis resource provider may
 * not know it yet. If another run created an assignment for the same object id between the list and the PUT, it
 * is adopted too.
 */
export async function applyAssignment(
  ctx: RunContext,
  cache: CacheState,
  first: AssignmentPlan & { objectId: string }
): Promise<AssignmentApplied> {
  const { deadline } = ctx
  const { plan, existing } = await planFromFreshList(ctx, cache, first)
  if (plan.action === 'unchanged' && existing) return { assignment: existing, status: 'unchanged' }
  const assignments = cacheAssignments(ctx, cache)
  const put = (name: string) => assignments.put(name, plan.policy, first.objectId)
  const status = plan.action === 'update' ? 'updated' : 'created'
  try {
    const assignment = await withRetry(() => put(plan.name), {
      deadline,
      sleep: ctx.sleep,
      what: `write access policy assignment ${plan.name}`,
      principalOnApp: true
    })
    return { assignment, status }
  } catch (error) {
    if (!isDuplicateAssignment(readAzureError(error))) throw error
    const other = findAssignmentFor(await assignments.list(), first.objectId)
    const otherName = other?.name
    if (!other || !otherName) throw error
    if (other.accessPolicyName?.toLowerCase() === plan.policy.toLowerCase())
      return { assignment: other, status: 'unchanged' }
    const assignment = await withRetry(() => put(otherName), {
      deadline,
      sleep: ctx.sleep,
      what: `update access policy assignment ${otherName}`,
      principalOnApp: true
    })
    return { assignment, status: 'updated' }
  }
}
