import type { EnvironmentVar, ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import type { TargetResource } from '../read/target.js'
import { findAssignmentFor } from './assignment-plan.js'
import {
  attachedUsers,
  findUserAssigned,
  hasSystemIdentity,
  identityType,
  sameId,
  type IdentityPatch
} from './attached-identities.js'
import { connectedClientIdOwner } from './client-id-plan.js'
import { identityReferences } from './identity-references.js'
import { describeIdentity } from './identity-plan.js'
import { DEFAULT_CLIENT_ID_VARIABLE } from './sign-in-identity.js'
import { REMOVED, type VariablesPlan } from './variables-plan.js'

/** remove-identity: the PATCH that removes it, or what in the app still uses it (then it stays). */
export type IdentityRemoval =
  | { kind: 'remove'; patch: IdentityPatch; before: string; after: string }
  | { kind: 'keep'; before: string; usedBy: string[] }

export interface DisconnectPlan {
  /** The assignment of the app's identity, to delete. */
  assignment?: RedisCacheAccessPolicyAssignment
  variables: VariablesPlan
  /** With remove-identity: true, when the app has the identity. */
  identity?: IdentityRemoval
}

/**
 * The client id variables a disconnect removes: those that name the identity it disconnects, or that the action
 * set together with the object-id variable (see connectedClientIdOwner). One that names another identity stays.
 */
export function clientIdVariablesToRemove(
  env: EnvironmentVar[],
  names: VariableNames,
  identity: ManagedServiceIdentity | undefined,
  disconnectedClientId: string | undefined
): string[] {
  return [...new Set([names.clientId, DEFAULT_CLIENT_ID_VARIABLE])].filter(name => {
    const variable = env.find(v => v.name === name)
    if (!variable?.value || variable.secretRef !== undefined) return false
    return (
      sameId(variable.value, disconnectedClientId) ||
      connectedClientIdOwner(env, variable.value, names, identity) !== undefined
    )
  })
}

/** What `mode: disconnect` removes: the assignment, the variables, and (opt-in) the identity. */
export function planDisconnect(o: {
  choice: IdentityChoice
  principalId?: string
  /** The client id of the user-assigned identity disconnected (none for the system identity). */
  clientId?: string
  assignments: RedisCacheAccessPolicyAssignment[]
  /** The app or job: its containers, and what in it uses the identity (remove-identity). */
  app: TargetResource
  selected?: string[]
  names: VariableNames
  removeIdentity: boolean
}): DisconnectPlan {
  const assignment = o.principalId ? findAssignmentFor(o.assignments, o.principalId) : undefined
  const appContainers = o.app.template?.containers ?? []
  const selected = o.selected ?? appContainers.map(c => c.name ?? '')
  const changes: VariablesPlan['changes'] = []
  const containers = appContainers.map(container => {
    const env = (container.env ?? []).map(v =>
      v.secretRef === undefined && v.value === undefined ? { ...v, value: '' } : v
    )
    if (!selected.includes(container.name ?? '')) return { ...container, env }
    const remove = new Set([
      o.names.host,
      o.names.port,
      o.names.objectId,
      ...clientIdVariablesToRemove(env, o.names, o.app.identity, o.clientId)
    ])
    const kept = env.filter(v => {
      if (!remove.has(v.name ?? '')) return true
      changes.push({
        container: container.name ?? '',
        name: v.name ?? '',
        before: v.secretRef ? `secretRef:${v.secretRef}` : v.value,
        after: REMOVED
      })
      return false
    })
    return { ...container, env: kept }
  })
  return {
    assignment,
    variables: { changes, containers, selected },
    identity: o.removeIdentity ? identityRemoval(o.app, o.choice) : undefined
  }
}

/** The identity's removal, unless something in the app still uses it (a registry, a Key Vault secret…). */
function identityRemoval(app: TargetResource, choice: IdentityChoice): IdentityRemoval | undefined {
  const removal = identityWithout(app.identity, choice)
  if (!removal) return undefined
  const usedBy = identityReferences(app, choice)
  return usedBy.length ? { kind: 'keep', before: removal.before, usedBy } : { kind: 'remove', ...removal }
}

/**
 * The PATCH that removes the connected identity and keeps every other one. A user-assigned identity goes by its
 * key set to null, spelled as the GET spells it; a type without UserAssigned carries no userAssignedIdentities
 * (ARM refuses them), and drops them all.
 */
function identityWithout(
  identity: ManagedServiceIdentity | undefined,
  choice: IdentityChoice
): { patch: IdentityPatch; before: string; after: string } | undefined {
  const system = hasSystemIdentity(identity)
  const removed = choice.kind === 'user' ? findUserAssigned(identity, choice.resourceId) : undefined
  if (choice.kind === 'user' ? !removed : !system) return undefined
  const keepSystem = choice.kind === 'system' ? false : system
  const keepUsers = attachedUsers(identity).filter(user => user.key !== removed?.key)
  const users: IdentityPatch['userAssignedIdentities'] = Object.fromEntries([
    ...keepUsers.map((user): [string, Record<string, never>] => [user.key, {}]),
    ...(removed ? [[removed.key, null] as const] : [])
  ])
  const patch: IdentityPatch = {
    type: identityType(keepSystem, keepUsers.length),
    ...(keepUsers.length ? { userAssignedIdentities: users } : {})
  }
  return { patch, before: describeIdentity(identity), after: describeIdentity(patch) }
}
