// ARM's front door: bearer token validation (401s) and RBAC with the built-in roles' action patterns (403s).
import type { Entra } from '../entra.ts'
import { ARM_AUDIENCES_BY_CLOUD } from '../entra.ts'
import type { SandboxRequest } from '../http.ts'
import { decodeJwt, hasValidSignature } from '../jwt.ts'
import type { Principal, RoleName, SandboxState } from '../state.ts'
import { armError } from './errors.ts'

interface RoleDefinition {
  actions: string[]
  notActions: string[]
}

const readOnly = ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/resourceGroups/read']

const roleDefinitions: Record<RoleName, RoleDefinition> = {
  Owner: { actions: ['*'], notActions: [] },
  Contributor: {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action'
    ]
  },
  Reader: { actions: ['*/read'], notActions: [] },
  'Container Apps Contributor': {
    actions: [
      'Microsoft.App/containerApps/*',
      'Microsoft.App/managedEnvironments/read',
      'Microsoft.App/locations/*/read',
      ...readOnly
    ],
    notActions: []
  },
  'Redis Cache Contributor': {
    actions: [
      'Microsoft.Cache/register/action',
      'Microsoft.Cache/redis/*',
      'Microsoft.Cache/locations/*/read',
      ...readOnly
    ],
    notActions: []
  },
  'Managed Identity Operator': {
    actions: [
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action',
      ...readOnly
    ],
    notActions: []
  }
}

// Azure action patterns: a star matches anything, and a "/star/" segment also matches a single slash.
function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split('/*/')
    .map(part => part.split('*').map(escapeRegExp).join('.*'))
    .join('(?:/.*)?/')
  return new RegExp(`^${source}$`, 'i').test(action)
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function scopeCovers(assignmentScope: string, scope: string): boolean {
  const a = assignmentScope.toLowerCase().replace(/\/$/, '')
  const s = scope.toLowerCase()
  return s === a || s.startsWith(`${a}/`)
}

export function isAllowed(p: Principal | undefined, action: string, scope: string): boolean {
  if (!p) return false
  return p.roles.some(r => {
    const def = roleDefinitions[r.role]
    return (
      scopeCovers(r.scope, scope) &&
      def.actions.some(a => actionMatches(a, action)) &&
      !def.notActions.some(a => actionMatches(a, action))
    )
  })
}

export function authorize(s: SandboxState, oid: string, action: string, scope: string): void {
  if (!isAllowed(s.principals.get(oid), action, scope)) {
    throw armError(
      403,
      'AuthorizationFailed',
      `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
    )
  }
}

/** A write that references other resources (a UAMI) also needs an action on them. */
export function authorizeLinked(
  s: SandboxState,
  oid: string,
  o: { action: string; scope: string; linkedAction: string; linkedScopes: string[] }
): void {
  const denied = o.linkedScopes.filter(l => !isAllowed(s.principals.get(oid), o.linkedAction, l))
  if (denied.length === 0) return
  throw armError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${oid}' with object id '${oid}' has permission to perform action '${o.action}' on scope '${o.scope}'; however, it does not have permission to perform action(s) '${o.linkedAction}' on the linked scope(s) '${denied.join(',')}' (respectively) or the linked scope(s) are invalid.`
  )
}

const wwwAuthenticate = (s: SandboxState, description: string): Record<string, string> => ({
  'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${s.tenantId}", error="invalid_token", error_description="${description}"`
})

/** Validates the bearer token of an ARM request and returns the caller's object id. */
export function authenticate(s: SandboxState, entra: Entra, req: SandboxRequest): string {
  const header = req.headers.authorization
  if (!header) {
    throw armError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      {
        headers: wwwAuthenticate(s, "The authentication failed because of missing 'Authorization' header.")
      }
    )
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) {
    throw armError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      { headers: wwwAuthenticate(s, "The 'Authorization' header is provided in an invalid format.") }
    )
  }
  const jwt = decodeJwt(match[1])
  if (!jwt || !hasValidSignature(jwt, entra.key)) {
    throw armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', {
      headers: wwwAuthenticate(s, 'The access token is invalid.')
    })
  }
  const c = jwt.payload
  const now = Date.now()
  if (!(Number(c.exp) * 1000 > now)) {
    const utc = (ms: number): string => new Date(ms).toUTCString()
    throw armError(
      401,
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${utc(Number(c.exp) * 1000)}' is earlier than current UTC time '${utc(now)}'.`,
      { headers: wwwAuthenticate(s, 'The access token has expired.') }
    )
  }
  const ARM_AUDIENCES = ARM_AUDIENCES_BY_CLOUD[s.cloud]
  if (!ARM_AUDIENCES.includes(String(c.aud).toLowerCase())) {
    throw armError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${String(c.aud)}'. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map(a => `'${a}'`).join(',')}.`,
      { headers: wwwAuthenticate(s, 'The access token has been obtained for wrong audience or resource.') }
    )
  }
  if (String(c.tid).toLowerCase() !== s.tenantId.toLowerCase() || c.iss !== entra.tokenIssuer) {
    throw armError(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${String(c.iss)}'. It must match the tenant '${entra.tokenIssuer}' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${s.tenantId}' to get the token.`,
      { headers: wwwAuthenticate(s, 'The access token is from the wrong issuer.') }
    )
  }
  return String(c.oid)
}
