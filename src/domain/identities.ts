import type { ContainerApp, ManagedServiceIdentity } from '@azure/arm-appcontainers'

/** A user-assigned identity on the app, keyed as the app's GET spells it. */
export interface AttachedUserIdentity {
  /** The resource ID as the GET spells it (ARM answers `resourcegroups` in lower case). */
  key: string
  name: string
  principalId?: string
  clientId?: string
}

/**
 * Resource IDs and GUIDs are case-insensitive: ARM answers `…/resourcegroups/…` for the `…/resourceGroups/…` a
 * workflow names, and a client id may be written in either case.
 */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase()
}

export function hasSystemIdentity(identity: ManagedServiceIdentity | undefined): boolean {
  return /SystemAssigned/i.test(identity?.type ?? '')
}

/** The user-assigned identities on the app, with the principal and client ids its GET reports. */
export function attachedUsers(identity: ManagedServiceIdentity | undefined): AttachedUserIdentity[] {
  return Object.entries(identity?.userAssignedIdentities ?? {}).map(([key, value]) => ({
    key,
    name: key.split('/').pop() ?? key,
    principalId: value?.principalId,
    clientId: value?.clientId
  }))
}

/** The attached user-assigned identity with this resource ID, whatever the casing of either spelling. */
export function findUserAssigned(
  identity: ManagedServiceIdentity | undefined,
  resourceId: string
): AttachedUserIdentity | undefined {
  return attachedUsers(identity).find(user => sameId(user.key, resourceId))
}

/**
 * An identity block to PATCH. ARM merges `userAssignedIdentities` (Learn, "Configure managed identities … using
 * REST API calls"): a key left out is kept, a key set to null is removed; the type decides system and user.
 */
export interface IdentityPatch {
  type: NonNullable<ManagedServiceIdentity['type']>
  userAssignedIdentities?: Record<string, Record<string, never> | null>
}

/** The type string for this combination; Container Apps spells the combined type without a space. */
export function identityType(system: boolean, users: number): IdentityPatch['type'] {
  if (system && users) return 'SystemAssigned,UserAssigned'
  if (system) return 'SystemAssigned'
  return users ? 'UserAssigned' : 'None'
}

/** The principal (and, for a user-assigned identity, the client) id of the chosen identity on the app. */
export function principalOf(
  app: Pick<ContainerApp, 'identity'>,
  choice: { kind: 'system' } | { kind: 'user'; resourceId: string }
): { principalId?: string; clientId?: string } {
  if (choice.kind === 'system') return { principalId: app.identity?.principalId }
  const attached = findUserAssigned(app.identity, choice.resourceId)
  return { principalId: attached?.principalId, clientId: attached?.clientId }
}
