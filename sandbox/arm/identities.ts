// Microsoft.ManagedIdentity/userAssignedIdentities: seeding and GET.
import { addPrincipal, REGION, resourceKey, rgId } from '../state.ts'
import type { SandboxState, UserAssignedIdentityState } from '../state.ts'
import { resourceNotFound } from './errors.ts'
import type { ArmRouteSpec } from './router.ts'

const TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities'

export function seedUserAssignedIdentity(
  s: SandboxState,
  rg: string,
  name: string
): UserAssignedIdentityState {
  s.resourceGroups.add(rg.toLowerCase())
  const principal = addPrincipal(s, { kind: 'userAssigned', displayName: name })
  const identity: UserAssignedIdentityState = {
    id: `${rgId(s, rg)}/providers/${TYPE}/${name}`,
    rg,
    name,
    principalId: principal.objectId,
    clientId: principal.clientId
  }
  s.identities.set(identity.id.toLowerCase(), identity)
  return identity
}

export function identityRoutes(s: SandboxState): ArmRouteSpec[] {
  return [
    {
      method: 'GET',
      pattern:
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i,
      operation: 'userAssignedIdentities.get',
      action: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      handle: req => {
        const [, rg, name] = req.params
        const identity = [...s.identities.values()].find(
          i => resourceKey(i.rg, i.name) === resourceKey(rg, name)
        )
        if (!identity) throw resourceNotFound(TYPE, name, rg)
        return {
          status: 200,
          body: {
            id: identity.id,
            name: identity.name,
            type: TYPE,
            location: REGION,
            tags: {},
            properties: {
              isolationScope: 'None',
              tenantId: s.tenantId,
              principalId: identity.principalId,
              clientId: identity.clientId
            }
          }
        }
      }
    }
  ]
}
