import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { describeCarrier, findOtherCarriers, type CarriersLookup } from '../read/other-carriers.js'
import { targetId } from '../domain/target.js'
import type { RunContext } from '../run-context.js'

/**
 * Whether a disconnect deletes the assignment. An assignment belongs to the identity, not to the app: a
 * user-assigned identity other apps or jobs carry keeps its assignment unless delete-shared-assignment says
 * otherwise, and so does one whose other carriers could not be looked for.
 */
export type AssignmentDecision =
  | {
      delete: true
      /** What was looked at, for the step and the check. */
      looked: string
      /** Deleted although others may use it. */
      warning?: string
    }
  | {
      delete: false
      /** Short, for the step row and the check. */
      reason: string
      /** The whole story and what to do, for the summary's warnings. */
      warning: string
    }

function whatWasListed(lookup: CarriersLookup, subscriptionId: string): string {
  if (lookup.looked) return `the container apps and jobs of subscription ${subscriptionId}`
  if (lookup.notAzure)
    return `the container apps and jobs of subscription ${subscriptionId} could not be listed: ${lookup.message}`
  return lookup.status === 403
    ? `the container apps and jobs of subscription ${subscriptionId} could not be listed: the workflow identity may not read them there (403 ${lookup.code ?? 'Forbidden'})`
    : `the container apps and jobs of subscription ${subscriptionId} could not be listed (${[lookup.status, lookup.code].filter(Boolean).join(' ')}: ${lookup.message})`
}

/** What a disconnect does with the identity's assignment, after looking for the identity's other carriers. */
export async function decideAssignment(
  ctx: RunContext,
  assignment: RedisCacheAccessPolicyAssignment
): Promise<AssignmentDecision> {
  const { config } = ctx
  const choice = config.identity
  if (choice.kind === 'system')
    return { delete: true, looked: "the system-assigned identity is the app's own" }
  const lookup = await findOtherCarriers(ctx.clients, {
    identityId: choice.resourceId,
    // Every app and job of the run is being disconnected from this cache with it.
    exclude: config.targets.map(t => targetId(config.subscriptionId, t)),
    signal: ctx.deadline.signal
  })
  const name = `${assignment.name} (${assignment.accessPolicyName})`
  const identity = `user-assigned identity ${choice.name}`
  const subscription = config.subscriptionId
  if (lookup.looked && !lookup.carriers.length)
    return {
      delete: true,
      looked: `no other container app or job in subscription ${subscription} carries ${identity} (users of its principal outside Container Apps, such as VMs or functions, or in other subscriptions are not visible to the action)`
    }
  const others = lookup.looked ? lookup.carriers.map(describeCarrier).join(', ') : undefined
  const carry = lookup.looked && lookup.carriers.length === 1 ? 'carries' : 'carry'
  if (config.deleteSharedAssignment)
    return {
      delete: true,
      looked: others
        ? `deleted with delete-shared-assignment: true although ${others} also ${carry} ${identity}`
        : `deleted with delete-shared-assignment: true; other carriers not checked: ${whatWasListed(lookup, subscription)}`,
      warning: others
        ? `Deleted the access policy assignment ${name} of ${identity} on cache ${config.redisName} (delete-shared-assignment: true), although ${others} also ${carry} that identity: they can no longer sign in to Redis with it.`
        : undefined
    }
  const why = others
    ? `${others} also ${carry} ${identity}`
    : `could not check whether other apps or jobs carry ${identity}: ${whatWasListed(lookup, subscription)}`
  const fix = others
    ? 'Once nothing else uses the identity for Redis, rerun the disconnect; to delete the assignment now, rerun with delete-shared-assignment: true.'
    : !lookup.looked && lookup.notAzure
      ? 'Something other than Azure Resource Manager answered the listing: check HTTPS_PROXY and NO_PROXY on the runner and rerun once Azure answers, or rerun with delete-shared-assignment: true to delete it without looking.'
      : `Grant the workflow identity Reader on subscription ${subscription} and rerun, or rerun with delete-shared-assignment: true to delete it without looking.`
  return {
    delete: false,
    reason: others ? `${others} also ${carry} the identity` : 'could not check who else carries the identity',
    warning: `Kept the access policy assignment ${name} of ${identity} on cache ${config.redisName}: ${why}. An assignment belongs to the identity, not to one app, so deleting it would cut every app that signs in with the identity off Redis. ${fix}`
  }
}
