// Managed identities of container apps and jobs: the identity block as Container Apps writes and answers it, and
// the directory principal a system-assigned identity is.
import { addPrincipal, clone, findIdentityById } from '../state.ts'
import type { AppResourceState, Json, SandboxState } from '../state.ts'
import { armError } from './errors.ts'
import { sameJson } from './json.ts'

type Identity = AppResourceState['identity']

/** The identity block of an app or job as Container Apps answers it. */
export function identityView(
  s: SandboxState,
  app: Pick<AppResourceState, 'identity' | 'systemPrincipalId'>
): Json {
  const type = app.identity?.type ?? 'None'
  if (type === 'None') return { type: 'None' }
  const view: Json = { type }
  if (type.includes('SystemAssigned')) {
    view.principalId = app.systemPrincipalId
    view.tenantId = s.tenantId
  }
  if (type.includes('UserAssigned')) {
    view.userAssignedIdentities = Object.fromEntries(
      Object.keys(app.identity?.userAssignedIdentities ?? {}).map(id => {
        const uami = findIdentityById(s, id)
        return [id, { principalId: uami?.principalId, clientId: uami?.clientId }]
      })
    )
  }
  return view
}

/** Container Apps writes the combined type without a space and accepts any casing. */
export function normaliseIdentity(identity: Json): Identity {
  if (identity === undefined || identity === null) return undefined
  const parts = String(identity.type ?? 'None')
    .split(',')
    .map(t => t.trim().toLowerCase())
  const type =
    [parts.includes('systemassigned') && 'SystemAssigned', parts.includes('userassigned') && 'UserAssigned']
      .filter(Boolean)
      .join(',') || 'None'
  if (type === 'None') return { type }
  return {
    type,
    ...(type.includes('UserAssigned')
      ? { userAssignedIdentities: clone(identity.userAssignedIdentities ?? {}) }
      : {})
  }
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
