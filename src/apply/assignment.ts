import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { withRetry } from '../azure/retry.js'
import { findAssignmentFor, type AssignmentPlan } from '../plan/assignment-plan.js'
import type { RunContext } from '../run-context.js'

const DUPLICATE = /duplicate entries/i

/**
 * Creates or updates the assignment and waits for it (the SDK poller follows Location / Retry-After).
 * A 409 "busy processing a previous update request" and a not-yet-replicated principal are retried.
 * If another run created an assignment for the same object id meanwhile, it is adopted.
 */
export async function applyAssignment(
  ctx: RunContext,
  plan: AssignmentPlan & { objectId: string },
  principalIsNew: boolean
): Promise<RedisCacheAccessPolicyAssignment> {
  const { inputs, clients, deadline } = ctx
  const put = (name: string) =>
    clients.redis.accessPolicyAssignment.beginCreateUpdateAndWait(
      inputs.redisResourceGroup,
      inputs.redisName,
      name,
      { accessPolicyName: plan.policy, objectId: plan.objectId, objectIdAlias: inputs.containerApp },
      { abortSignal: deadline.signal, updateIntervalInMs: ctx.pollIntervalMs }
    )
  try {
    return await withRetry(() => put(plan.name), {
      deadline,
      sleep: ctx.sleep,
      what: `write access policy assignment ${plan.name}`,
      principalIsNew
    })
  } catch (error) {
    if (!DUPLICATE.test(readAzureError(error).message)) throw error
    const current: RedisCacheAccessPolicyAssignment[] = []
    for await (const a of clients.redis.accessPolicyAssignment.list(
      inputs.redisResourceGroup,
      inputs.redisName,
      { abortSignal: deadline.signal }
    ))
      current.push(a)
    const existing = findAssignmentFor(current, plan.objectId)
    if (!existing?.name) throw error
    if (existing.accessPolicyName?.toLowerCase() === plan.policy.toLowerCase()) return existing
    return withRetry(() => put(existing.name!), {
      deadline,
      sleep: ctx.sleep,
      what: `update access policy assignment ${existing.name}`,
      principalIsNew
    })
  }
}
