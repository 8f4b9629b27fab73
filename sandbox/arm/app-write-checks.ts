// What Container Apps checks on each write of an app or job before anything changes: the secrets carry values,
// the user-assigned identities exist and the caller may assign them.
import type { AppResourceState, SandboxState } from '../state.ts'
import { validateUserAssigned } from './app-identity.ts'
import { validateSecrets } from './app-secrets.ts'
import { authorizeLinked } from './auth.ts'
import type { AppProperties } from './wire.ts'

export const ASSIGN_ACTION = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'

export function checkAppWrite(
  s: SandboxState,
  caller: string,
  app: Pick<AppResourceState, 'id'>,
  next: { properties: AppProperties; identity: AppResourceState['identity'] },
  /** the RBAC action of the write, e.g. 'Microsoft.App/jobs/write' */
  writeAction: string
): void {
  validateSecrets(next.properties)
  validateUserAssigned(s, next.identity, app.id)
  const linked = Object.keys(next.identity?.userAssignedIdentities ?? {})
  if (linked.length > 0) {
    authorizeLinked(s, caller, {
      action: writeAction,
      scope: app.id,
      linkedAction: ASSIGN_ACTION,
      linkedScopes: linked
    })
  }
}
