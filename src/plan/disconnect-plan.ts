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
} from '../domain/identities.js'
import { connectedClientIdOwner } from './client-id-plan.js'
import { identityReferences } from './identity-references.js'
import { describeIdentity } from './identity-plan.js'
import { DEFAULT_CLIENT_ID_VARIABLE, shownValue } from './sign-in-identity.js'
import { REMOVED, type VariablesPlan } from './variables-plan.js'

/** The values this connection set: the cache's host and TLS port, and the identity's object id (and client id). */
export interface DisconnectedConnection {
  host: string
  port: string
  principalId?: string
  /** The client id of the user-assigned identity disconnected (none for the system identity). */
  clientId?: string
}

/** Variables a disconnect leaves in a container, and why. */
export interface KeptVariables {
  container: string
  names: string[]
  reason: string
}

/** remove-identity: the PATCH that removes it, or what in the app still uses it (then it stays). */
export type IdentityRemoval =
  | { kind: 'remove'; patch: IdentityPatch; before: string; after: string }
  | { kind: 'keep'; before: string; usedBy: string[] }

export interface DisconnectPlan {
  /** The assignment of the app's identity, to delete. */
  assignment?: RedisCacheAccessPolicyAssignment
  /** The variables this connection set, removed; every other one as it was. */
  variables: VariablesPlan
  /** The connection variables that stay: another connection's, or ones whose values the action cannot see. */
  kept: KeptVariables[]
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

/** Whose object id this is, among the app's identities, for messages. */
function ownerOf(objectId: string, identity: ManagedServiceIdentity | undefined): string {
  if (sameId(identity?.principalId, objectId)) return ", the system-assigned identity's"
  const user = attachedUsers(identity).find(u => sameId(u.principalId, objectId))
  return user ? `, user-assigned identity ${user.name}'s` : ''
}

/**
 * Which of a container's connection variables are this connection's. The host and the object id say whose a set of
 * variables is: when either names another cache or another identity, all of them (port and client id too) belong
 * to that other connection and stay. A value in a secret cannot be compared, so it stays too, and with it the
 * variables it would decide. Otherwise the host and object id go, the port when it is the cache's TLS port, and
 * the client id variables this connection set.
 */
function containerVariables(
  env: EnvironmentVar[],
  o: {
    names: VariableNames
    connection: DisconnectedConnection
    identityName: string
    identity: ManagedServiceIdentity | undefined
  }
): { remove: string[]; kept?: { names: string[]; reason: string } } {
  const { names, connection } = o
  const entries = (name: string) => env.filter(v => v.name === name)
  const [host, port, objectId] = [names.host, names.port, names.objectId].map(entries)
  const clientIds = clientIdVariablesToRemove(env, names, o.identity, connection.clientId)
  const present = [names.host, names.port, names.objectId].filter(name => entries(name).length)
  const hidden = [...host, ...objectId].find(v => v.secretRef !== undefined)
  const otherHost = host.find(
    v => v.secretRef === undefined && v.value?.trim().toLowerCase() !== connection.host.toLowerCase()
  )
  const otherObjectId = objectId.find(
    v => v.secretRef === undefined && !sameId(v.value?.trim(), connection.principalId)
  )
  const reason = hidden
    ? `${hidden.name} comes from secret ${hidden.secretRef}, whose value the action does not read, so it cannot tell whose connection they are`
    : otherHost
      ? `${names.host} is ${shownValue(otherHost.value ?? '')}, not this cache's host ${connection.host}: they belong to a connection to another cache`
      : otherObjectId
        ? `${names.objectId} is ${shownValue(otherObjectId.value ?? '')}${ownerOf(otherObjectId.value ?? '', o.identity)}, not the object id of ${o.identityName} (${connection.principalId ?? 'not on the app'}): they belong to another identity's connection`
        : undefined
  if (reason) return { remove: [], kept: { names: [...present, ...clientIds], reason } }
  const otherPort = port.find(v => v.secretRef !== undefined || v.value?.trim() !== connection.port)
  const remove = [names.host, names.objectId, ...(otherPort ? [] : [names.port]), ...clientIds]
  if (!otherPort) return { remove }
  return {
    remove,
    kept: {
      names: [names.port],
      reason:
        otherPort.secretRef !== undefined
          ? `it comes from secret ${otherPort.secretRef}, whose value the action does not read`
          : `it is ${shownValue(otherPort.value ?? '')}, not this cache's TLS port ${connection.port}`
    }
  }
}

/** What `mode: disconnect` removes: the assignment, this connection's variables, and (opt-in) the identity. */
export function planDisconnect(o: {
  choice: IdentityChoice
  connection: DisconnectedConnection
  assignments: RedisCacheAccessPolicyAssignment[]
  /** The app or job, for what in it uses the identity (remove-identity). */
  app: TargetResource
  selected?: string[]
  names: VariableNames
  removeIdentity: boolean
}): DisconnectPlan {
  const { principalId } = o.connection
  const assignment = principalId ? findAssignmentFor(o.assignments, principalId) : undefined
  const appContainers = o.app.template?.containers ?? []
  const selected = o.selected ?? appContainers.map(c => c.name ?? '')
  const identityName =
    o.choice.kind === 'system' ? 'the system-assigned identity' : `user-assigned identity ${o.choice.name}`
  const changes: VariablesPlan['changes'] = []
  const kept: KeptVariables[] = []
  const containers = appContainers.map(container => {
    const env = (container.env ?? []).map(v =>
      v.secretRef === undefined && v.value === undefined ? { ...v, value: '' } : v
    )
    if (!selected.includes(container.name ?? '')) return { ...container, env }
    const decided = containerVariables(env, {
      names: o.names,
      connection: o.connection,
      identityName,
      identity: o.app.identity
    })
    if (decided.kept) kept.push({ container: container.name ?? '', ...decided.kept })
    const remove = new Set(decided.remove)
    const left = env.filter(v => {
      if (!remove.has(v.name ?? '')) return true
      changes.push({
        container: container.name ?? '',
        name: v.name ?? '',
        before: v.secretRef ? `secretRef:${v.secretRef}` : v.value,
        after: REMOVED
      })
      return false
    })
    return { ...container, env: left }
  })
  return {
    assignment,
    variables: { changes, containers, selected },
    kept,
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
