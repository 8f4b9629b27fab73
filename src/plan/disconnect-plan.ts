import type { Container, ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import { findAssignmentFor } from './assignment-plan.js'
import { describeIdentity } from './identity-plan.js'
import type { VariablesPlan } from './variables-plan.js'

export interface DisconnectPlan {
  /** The assignment of the app's identity, to delete. */
  assignment?: RedisCacheAccessPolicyAssignment
  variables: VariablesPlan
  /** The identity block without the one this action added, when remove-identity is true. */
  identity?: { patch: ManagedServiceIdentity; before: string; after: string }
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

function identityWithout(
  identity: ManagedServiceIdentity | undefined,
  choice: IdentityChoice
): DisconnectPlan['identity'] {
  const users = Object.keys(identity?.userAssignedIdentities ?? {})
  const system = /SystemAssigned/i.test(identity?.type ?? '')
  const keepUsers =
    choice.kind === 'user' ? users.filter(id => id.toLowerCase() !== choice.resourceId.toLowerCase()) : users
  const keepSystem = choice.kind === 'system' ? false : system
  if (keepUsers.length === users.length && keepSystem === system) return undefined
  const type =
    keepSystem && keepUsers.length
      ? 'SystemAssigned,UserAssigned'
      : keepSystem
        ? 'SystemAssigned'
        : keepUsers.length
          ? 'UserAssigned'
          : 'None'
  const patch: ManagedServiceIdentity = {
    type,
    ...(keepUsers.length ? { userAssignedIdentities: Object.fromEntries(keepUsers.map(id => [id, {}])) } : {})
  }
  return { patch, before: describeIdentity(identity), after: describeIdentity(patch) }
}
