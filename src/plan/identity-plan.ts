import type { ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { IdentityChoice } from '../inputs/types.js'
import type { UserIdentity } from '../read/read-state.js'

export interface IdentityPlan {
  change: 'none' | 'add'
  before: string
  after: string
  /** The identity block to PATCH: the full set of identities, since ARM replaces the block whole. */
  patch?: ManagedServiceIdentity
  /** Known when the identity already exists; a new system identity gets its principal id on apply. */
  principalId?: string
  clientId?: string
}

export function describeIdentity(identity: ManagedServiceIdentity | undefined): string {
  if (!identity || identity.type === 'None') return 'no managed identity'
  const users = Object.keys(identity.userAssignedIdentities ?? {}).map(id => id.split('/').pop())
  return [
    hasSystem(identity) ? 'system-assigned' : '',
    users.length ? `user-assigned ${users.join(', ')}` : ''
  ]
    .filter(Boolean)
    .join(' + ')
}

function hasSystem(identity: ManagedServiceIdentity | undefined): boolean {
  return /SystemAssigned/i.test(identity?.type ?? '')
}

function findUserAssigned(
  identity: ManagedServiceIdentity | undefined,
  resourceId: string
): [string, { principalId?: string; clientId?: string }] | undefined {
  return Object.entries(identity?.userAssignedIdentities ?? {}).find(
    ([id]) => id.toLowerCase() === resourceId.toLowerCase()
  )
}

function identityType(system: boolean, users: number): ManagedServiceIdentity['type'] {
  // Container Apps spells the combined type without a space.
  if (system && users) return 'SystemAssigned,UserAssigned'
  return system ? 'SystemAssigned' : 'UserAssigned'
}

/** Only the keys: the principal and client ids in a GET are read-only and are not sent back. */
function userAssignedKeys(
  identity: ManagedServiceIdentity | undefined,
  extra?: string
): Record<string, object> {
  const keys = Object.keys(identity?.userAssignedIdentities ?? {})
  if (extra) keys.push(extra)
  return Object.fromEntries(keys.map(id => [id, {}]))
}

export function planIdentity(
  current: ManagedServiceIdentity | undefined,
  choice: IdentityChoice,
  userIdentity?: UserIdentity
): IdentityPlan {
  const before = describeIdentity(current)
  if (choice.kind === 'system') {
    if (hasSystem(current) && current?.principalId)
      return { change: 'none', before, after: before, principalId: current.principalId }
    const users = userAssignedKeys(current)
    const patch: ManagedServiceIdentity = {
      type: identityType(true, Object.keys(users).length),
      ...(Object.keys(users).length ? { userAssignedIdentities: users } : {})
    }
    return { change: 'add', before, after: describeIdentity(patch), patch }
  }
  const attached = findUserAssigned(current, choice.resourceId)
  if (attached) {
    return {
      change: 'none',
      before,
      after: before,
      principalId: attached[1].principalId ?? userIdentity?.principalId,
      clientId: attached[1].clientId ?? userIdentity?.clientId
    }
  }
  const users = userAssignedKeys(current, choice.resourceId)
  const patch: ManagedServiceIdentity = {
    type: identityType(hasSystem(current), Object.keys(users).length),
    userAssignedIdentities: users
  }
  return {
    change: 'add',
    before,
    after: describeIdentity(patch),
    patch,
    principalId: userIdentity?.principalId,
    clientId: userIdentity?.clientId
  }
}
