import type { ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { IdentityChoice } from '../inputs/types.js'
import type { UserIdentity } from '../read/read-state.js'
import {
  attachedUsers,
  findUserAssigned,
  hasSystemIdentity,
  identityType,
  type IdentityPatch
} from '../domain/identities.js'

export interface IdentityPlan {
  change: 'none' | 'add'
  before: string
  after: string
  /** The identity block to PATCH: the identities the app has (keys only, as its GET spells them) and the new one. */
  patch?: IdentityPatch
  /** Known when the identity already exists; a new system identity gets its principal id on apply. */
  principalId?: string
  clientId?: string
}

export function describeIdentity(
  identity: { type?: string; userAssignedIdentities?: Record<string, object | null> } | undefined
): string {
  if (!identity || identity.type === 'None') return 'no managed identity'
  const users = Object.entries(identity.userAssignedIdentities ?? {})
    .filter(([, value]) => value !== null)
    .map(([id]) => id.split('/').pop())
  return [
    /SystemAssigned/i.test(identity.type ?? '') ? 'system-assigned' : '',
    users.length ? `user-assigned ${users.join(', ')}` : ''
  ]
    .filter(Boolean)
    .join(' + ')
}

/**
 * The keys of the identities the app has, and the new one. Resending them is what ARM's merge rule needs least
 * and a whole-block replace needs most; the principal and client ids in a GET are read-only and are not sent.
 */
function userAssignedKeys(
  identity: ManagedServiceIdentity | undefined,
  extra?: string
): Record<string, Record<string, never>> {
  const keys = attachedUsers(identity).map(user => user.key)
  if (extra && !findUserAssigned(identity, extra)) keys.push(extra)
  return Object.fromEntries(keys.map(id => [id, {}]))
}

export function planIdentity(
  current: ManagedServiceIdentity | undefined,
  choice: IdentityChoice,
  userIdentity?: UserIdentity
): IdentityPlan {
  const before = describeIdentity(current)
  if (choice.kind === 'system') {
    if (hasSystemIdentity(current) && current?.principalId)
      return { change: 'none', before, after: before, principalId: current.principalId }
    const users = userAssignedKeys(current)
    const patch: IdentityPatch = {
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
      principalId: attached.principalId ?? userIdentity?.principalId,
      clientId: attached.clientId ?? userIdentity?.clientId
    }
  }
  const users = userAssignedKeys(current, choice.resourceId)
  const patch: IdentityPatch = {
    type: identityType(hasSystemIdentity(current), Object.keys(users).length),
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
