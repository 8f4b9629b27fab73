import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { withRetry } from '../azure/retry.js'
import { findAssignmentFor, type AssignmentPlan } from '../plan/assignment-plan.js'
import type { CacheRef } from '../read/read-cache.js'
import type { RunContext } from '../run-context.js'
import { cacheAssignments } from './cache-assignments.js'

// The classic cache says "duplicate entries"; Managed Redis says the user already has an assignment.
const DUPLICATE = /duplicate entries|already has an? (access policy )?assignment/i

/**
 * Creates or updates the assignment and waits for it (the SDK poller follows Location / Retry-After).
 * A 409 "busy processing a previous update request" is retried, and so is "principal not found": the object id is
 * the principal Azure reports on the app's identity, so it exists in Entra, whether this run or an earlier step
 * (Bicep, `az containerapp create --system-assigned`, another run) created it; the Redis resource provider may
 * not know it yet. If another run created an assignment for the same object id meanwhile, it is adopted.
 */
export async function applyAssignment(
  ctx: RunContext,
  ref: CacheRef,
  plan: AssignmentPlan & { objectId: string }
): Promise<RedisCacheAccessPolicyAssignment> {
  const { deadline } = ctx
  const assignments = cacheAssignments(ctx, ref)
  const put = (name: string) => assignments.put(name, plan.policy, plan.objectId)
  try {
    return await withRetry(() => put(plan.name), {
      deadline,
      sleep: ctx.sleep,
      what: `write access policy assignment ${plan.name}`,
      principalOnApp: true
    })
  } catch (error) {
    if (!DUPLICATE.test(readAzureError(error).message)) throw error
    const existing = findAssignmentFor(await assignments.list(), plan.objectId)
    const existingName = existing?.name
    if (!existing || !existingName) throw error
    if (existing.accessPolicyName?.toLowerCase() === plan.policy.toLowerCase()) return existing
    return withRetry(() => put(existingName), {
      deadline,
      sleep: ctx.sleep,
      what: `update access policy assignment ${existingName}`,
      principalOnApp: true
    })
  }
}
