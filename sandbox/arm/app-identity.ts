// Managed identities of container apps and jobs: the identity block as Container Apps writes and answers it, and
// the directory principal a system-assigned identity is.
import { addPrincipal, findIdentityById } from '../state.ts'
import type { AppResourceState, SandboxState } from '../state.ts'
import { armError } from './errors.ts'
import { sameJson } from './json.ts'
import type { AppIdentity, IdentityType, IdentityView, JsonObject } from './wire.ts'
import { isJsonObject, objectOr } from './wire-guards.ts'

type Identity = AppIdentity | undefined

/** How ARM spells a user-assigned identity's key in its answers: `resourcegroups` in lower case. */
function answeredKey(s: SandboxState, id: string): string {
  const uami = findIdentityById(s, id)
  if (!uami) return id
  return `/subscriptions/${s.subscriptionId}/resourcegroups/${uami.rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${uami.name}`
}

/** The identity block of an app or job as Container Apps answers it. */
export function identityView(
  s: SandboxState,
  app: Pick<AppResourceState, 'identity' | 'systemPrincipalId'>
): IdentityView {
  const type = app.identity?.type ?? 'None'
  if (type === 'None') return { type: 'None' }
  const view: IdentityView = { type }
  if (type.includes('SystemAssigned')) {
    view.principalId = app.systemPrincipalId
    view.tenantId = s.tenantId
  }
  if (type.includes('UserAssigned')) {
    view.userAssignedIdentities = Object.fromEntries(
      Object.keys(app.identity?.userAssignedIdentities ?? {}).map(id => {
        const uami = findIdentityById(s, id)
        return [answeredKey(s, id), { principalId: uami?.principalId, clientId: uami?.clientId }]
      })
    )
  }
  return view
}

/** Container Apps writes the combined type without a space and accepts any casing. */
function normaliseType(type: unknown): IdentityType {
  const parts = String(type ?? 'None')
    .split(',')
    .map(t => t.trim().toLowerCase())
  const system = parts.includes('systemassigned')
  const user = parts.includes('userassigned')
  if (system && user) return 'SystemAssigned,UserAssigned'
  if (system) return 'SystemAssigned'
  return user ? 'UserAssigned' : 'None'
}

/**
 * The checks ARM and Container Apps make on a request's `identity` before anything changes: a type without
 * UserAssigned carries no userAssignedIdentities, each value is null, {} or the GET's own {principalId, clientId},
 * and no identity appears twice (resource IDs are case-insensitive).
 */
function checkRequestIdentity(identity: JsonObject, type: IdentityType): JsonObject {
  const users = identity.userAssignedIdentities
  if (users === undefined || users === null) return {}
  if (!type.includes('UserAssigned')) {
    throw armError(
      400,
      'BadRequest',
      'The request format was unexpected, a non-UserAssigned identity type should not contain: userAssignedIdentities'
    )
  }
  if (!isJsonObject(users))
    throw armError(400, 'InvalidRequestContent', 'userAssignedIdentities must be an object.')
  const seen = new Map<string, string>()
  for (const [id, value] of Object.entries(users)) {
    const echo =
      isJsonObject(value) &&
      Object.entries(value).every(
        ([k, v]) => ['principalId', 'clientId'].includes(k) && typeof v === 'string'
      )
    if (value !== null && !echo) {
      throw armError(
        400,
        'InvalidIdentityValues',
        `Invalid value for the identities '${id}'. The 'UserAssignedIdentities' property keys should only be empty json objects, null or the resource exisiting property.`
      )
    }
    const earlier = seen.get(id.toLowerCase())
    if (earlier !== undefined) {
      throw armError(
        400,
        'InvalidIdentityValues',
        `The identities '${earlier}' and '${id}' are the same identity: resource IDs are case-insensitive, so each may appear only once in 'UserAssignedIdentities'.`
      )
    }
    seen.set(id.toLowerCase(), id)
  }
  return users
}

function withUsers(type: IdentityType, users: Record<string, Record<string, never>>): Identity {
  if (type === 'None') return { type }
  if (!type.includes('UserAssigned')) return { type }
  if (Object.keys(users).length === 0) {
    throw armError(
      400,
      'InvalidIdentityValues',
      `Identity type '${type}' needs at least one user-assigned identity in 'UserAssignedIdentities'.`
    )
  }
  return { type, userAssignedIdentities: users }
}

/** The identity a PUT (or a seed) gives: the request's block, whole. */
export function normaliseIdentity(identity: unknown): Identity {
  if (identity === undefined || identity === null) return undefined
  const block = objectOr(identity)
  const type = normaliseType(block.type)
  const requested = checkRequestIdentity(block, type)
  const users = Object.fromEntries(
    Object.entries(requested)
      .filter(([, value]) => value !== null)
      .map(([id]): [string, Record<string, never>] => [id, {}])
  )
  return withUsers(type, users)
}

/**
 * The identity a PATCH gives (ARM's rule for `identity` in a JSON merge patch): the type, when sent, decides
 * system and user-assigned; a user-assigned key absent from the request is kept, one set to null is removed,
 * and keys match whatever their casing.
 */
export function mergeIdentity(current: Identity, identity: unknown): Identity {
  if (identity === undefined) return current
  if (identity === null) return { type: 'None' }
  const block = objectOr(identity)
  const type = block.type === undefined ? (current?.type ?? 'None') : normaliseType(block.type)
  const requested = checkRequestIdentity(block, type)
  const users: Record<string, Record<string, never>> = current?.type.includes('UserAssigned')
    ? { ...(current.userAssignedIdentities ?? {}) }
    : {}
  for (const [id, value] of Object.entries(requested)) {
    const existing = Object.keys(users).find(key => key.toLowerCase() === id.toLowerCase())
    if (value === null) {
      if (existing !== undefined) delete users[existing]
    } else if (existing === undefined) {
      users[id] = {}
    }
  }
  return withUsers(type, users)
}

export function validateUserAssigned(s: SandboxState, identity: Identity, appId: string): void {
  for (const id of Object.keys(identity?.userAssignedIdentities ?? {})) {
    if (!findIdentityById(s, id)) {
      throw armError(
        400,
        'FailedIdentityOperation',
        `Identity operation for resource '${appId}' failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: '{"error":{"code":"NotFound","message":"Resource '${id}' does not exist."}}''.`
      )
    }
  }
}

/** Gives the app or job its new identity: a system identity added is a new principal, one removed is deleted.
 * Returns whether the identity changed. */
export function replaceIdentity(s: SandboxState, app: AppResourceState, identity: Identity): boolean {
  const changed = !sameJson(app.identity ?? { type: 'None' }, identity ?? { type: 'None' })
  const hadSystem = app.identity?.type.includes('SystemAssigned') ?? false
  const wantsSystem = identity?.type.includes('SystemAssigned') ?? false
  if (wantsSystem && !hadSystem) {
    app.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: app.name }).objectId
  } else if (!wantsSystem && hadSystem && app.systemPrincipalId) {
    s.principals.delete(app.systemPrincipalId)
    app.systemPrincipalId = undefined
  }
  app.identity = identity
  return changed
}
