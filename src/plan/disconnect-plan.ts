import type { Container, ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import { findAssignmentFor } from './assignment-plan.js'
import {
  attachedUsers,
  findUserAssigned,
  hasSystemIdentity,
  identityType,
  type IdentityPatch
} from './attached-identities.js'
import { describeIdentity } from './identity-plan.js'
import type { VariablesPlan } from './variables-plan.js'

export interface DisconnectPlan {
  /** The assignment of the app's identity, to delete. */
  assignment?: RedisCacheAccessPolicyAssignment
  variables: VariablesPlan
  /** The identity block without the one this action added, when remove-identity is true. */
  identity?: { patch: IdentityPatch; before: string; after: string }
}

/** What `mode: disconnect` removes: the assignment, the variables, and (opt-in) the identity. */
export function planDisconnect(o: {
  identity: ManagedServiceIdentity | undefined
  choice: IdentityChoice
  principalId?: string
  assignments: RedisCacheAccessPolicyAssignment[]
  containers: Container[]
  selected?: string[]
  names: VariableNames
  removeIdentity: boolean
}): DisconnectPlan {
  const assignment = o.principalId ? findAssignmentFor(o.assignments, o.principalId) : undefined
  const selected = o.selected ?? o.containers.map(c => c.name ?? '')
  const remove = new Set([
    o.names.host,
    o.names.port,
    o.names.objectId,
    ...(o.choice.kind === 'user' ? [o.names.clientId] : [])
  ])
  const changes: VariablesPlan['changes'] = []
  const containers = o.containers.map(container => {
    const env = (container.env ?? []).map(v =>
      v.secretRef === undefined && v.value === undefined ? { ...v, value: '' } : v
    )
    if (!selected.includes(container.name ?? '')) return { ...container, env }
    const kept = env.filter(v => {
      if (!remove.has(v.name ?? '')) return true
      changes.push({
        container: container.name ?? '',
        name: v.name ?? '',
        before: v.secretRef ? `secretRef:${v.secretRef}` : v.value,
        after: '(removed)'
      })
      return false
    })
    return { ...container, env: kept }
  })
  return {
    assignment,
    variables: { changes, containers, selected },
    identity: o.removeIdentity ? identityWithout(o.identity, o.choice) : undefined
  }
}

/**
 * The PATCH that removes the connected identity and keeps every other one. A user-assigned identity goes by its
 * key set to null, spelled as the GET spells it; a type without UserAssigned carries no userAssignedIdentities
 * (ARM refuses them), and drops them all.
 */
function identityWithout(
  identity: ManagedServiceIdentity | undefined,
  choice: IdentityChoice
): DisconnectPlan['identity'] {
  const system = hasSystemIdentity(identity)
  const removed = choice.kind === 'user' ? findUserAssigned(identity, choice.resourceId) : undefined
  if (choice.kind === 'user' ? !removed : !system) return undefined
  const keepSystem = choice.kind === 'system' ? false : system
  const keepUsers = attachedUsers(identity).filter(user => user.key !== removed?.key)
  const users: IdentityPatch['userAssignedIdentities'] = Object.fromEntries([
    ...keepUsers.map(user => [user.key, {}]),
    ...(removed ? [[removed.key, null]] : [])
  ])
  const patch: IdentityPatch = {
    type: identityType(keepSystem, keepUsers.length),
    ...(keepUsers.length ? { userAssignedIdentities: users } : {})
  }
  return { patch, before: describeIdentity(identity), after: describeIdentity(patch) }
}
