import type { RedisCacheAccessPolicy, RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { CACHE_KINDS, type CacheKind } from '../domain/cache.js'
import type { Blocker } from './blocker.js'

export type AssignmentPlan =
  | { action: 'unchanged'; name: string; policy: string; objectId: string; before: string; after: string }
  | { action: 'create'; name: string; policy: string; objectId?: string; before: string; after: string }
  | { action: 'update'; name: string; policy: string; objectId: string; before: string; after: string }

const sameText = (a: string | undefined, b: string | undefined): boolean =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase()

/** The policy to assign on this kind of cache (see CACHE_KINDS' policyFor). */
export function effectivePolicy(requested: string, kind: CacheKind): string {
  return CACHE_KINDS[kind].policyFor(requested)
}

export function findPolicy(
  policies: RedisCacheAccessPolicy[],
  wanted: string
): RedisCacheAccessPolicy | undefined {
  return policies.find(p => sameText(p.name, wanted))
}

/** Azure allows one assignment per object id per cache, under any name: find it by object id. */
export function findAssignmentFor(
  assignments: RedisCacheAccessPolicyAssignment[],
  objectId: string
): RedisCacheAccessPolicyAssignment | undefined {
  return assignments.find(a => sameText(a.objectId, objectId))
}

export function planAssignment(o: {
  assignments: RedisCacheAccessPolicyAssignment[]
  policies: RedisCacheAccessPolicy[]
  wantedPolicy: string
  objectId?: string
  requestedName?: string
  alias: string
}): { plan?: AssignmentPlan; blockers: Blocker[] } {
  const policy = findPolicy(o.policies, o.wantedPolicy)
  if (!policy?.name) {
    const names = o.policies.map(p => `"${p.name}"`).join(', ') || 'none'
    return {
      blockers: [
        {
          step: 'assignment',
          message: `Access policy "${o.wantedPolicy}" does not exist on the cache. Policies on the cache: ${names}.`,
          fix: 'Set access-policy to one of those, or create the custom policy on the cache first (az redis access-policy create).'
        }
      ]
    }
  }
  const existing = o.objectId ? findAssignmentFor(o.assignments, o.objectId) : undefined
  if (existing?.name && o.objectId) {
    const healthy =
      existing.provisioningState === undefined || sameText(existing.provisioningState, 'Succeeded')
    if (sameText(existing.accessPolicyName, policy.name) && healthy) {
      const text = `${existing.name}: ${existing.accessPolicyName}`
      return {
        plan: {
          action: 'unchanged',
          name: existing.name,
          policy: policy.name,
          objectId: o.objectId,
          before: text,
          after: text
        },
        blockers: []
      }
    }
    return {
      plan: {
        action: 'update',
        name: existing.name,
        policy: policy.name,
        objectId: o.objectId,
        before: `${existing.name}: ${existing.accessPolicyName ?? '?'} (${existing.provisioningState ?? '?'})`,
        after: `${existing.name}: ${policy.name}`
      },
      blockers: []
    }
  }
  const name = o.requestedName ?? o.objectId
  const taken = name ? o.assignments.find(a => sameText(a.name, name)) : undefined
  if (taken && name) {
    return {
      blockers: [
        {
          step: 'assignment',
          message: `Assignment name "${name}" is already used on the cache by object id ${taken.objectId}; writing it would take that principal's access away.`,
          fix: 'Choose another assignment-name, or leave it empty to name the assignment after the object id.'
        }
      ]
    }
  }
  return {
    plan: {
      action: 'create',
      name: name ?? '(the new object id)',
      policy: policy.name,
      objectId: o.objectId,
      before: 'none',
      after: `${name ?? '(object id)'}: ${policy.name} for ${o.alias}`
    },
    blockers: []
  }
}
