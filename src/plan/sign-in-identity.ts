import type { EnvironmentVar, ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import { attachedUsers, hasSystemIdentity, sameId, type AttachedUserIdentity } from '../domain/identities.js'

/** The variable DefaultAzureCredential reads the client id of a user-assigned managed identity from. */
export const DEFAULT_CLIENT_ID_VARIABLE = 'AZURE_CLIENT_ID'

/**
 * The variables the app's credential takes a client id from, the first one set winning. With a user-assigned
 * identity the app passes client-id-variable as `managedIdentityClientId` (see usage-snippets.ts), and
 * DefaultAzureCredential falls back to AZURE_CLIENT_ID when that is empty; with the system identity the app calls
 * `new DefaultAzureCredential()`, which still reads AZURE_CLIENT_ID.
 */
export function credentialVariables(kind: IdentityChoice['kind'], names: VariableNames): string[] {
  return kind === 'user' && names.clientId !== DEFAULT_CLIENT_ID_VARIABLE
    ? [names.clientId, DEFAULT_CLIENT_ID_VARIABLE]
    : [DEFAULT_CLIENT_ID_VARIABLE]
}

/** Who the app's credential signs in as, and why. */
export type SignIn =
  | { as: 'system'; principalId: string; because: string }
  | { as: 'user'; identity: AttachedUserIdentity & { principalId: string }; because: string }
  | { as: 'nobody'; because: string }

/** A variable's value for messages: quoted, and cut short if someone put something long there. */
export function shownValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)
}

/**
 * The identity a container's credential signs in as, by ManagedIdentityCredential's rule: a client id selects
 * that user-assigned identity (none attached with it: no token), no client id selects the system identity.
 */
export function signInIdentity(
  env: EnvironmentVar[],
  kind: IdentityChoice['kind'],
  names: VariableNames,
  identity: ManagedServiceIdentity | undefined
): SignIn {
  const variables = credentialVariables(kind, names)
  for (const name of variables) {
    const variable = env.find(v => v.name === name)
    if (variable?.secretRef !== undefined) {
      return {
        as: 'nobody',
        because: `${name} comes from secret ${variable.secretRef}, so which identity it selects cannot be read`
      }
    }
    const clientId = variable?.value
    if (!clientId) continue
    const user = attachedUsers(identity).find(u => sameId(u.clientId, clientId))
    if (!user?.principalId) {
      return {
        as: 'nobody',
        because: `${name} is ${shownValue(clientId)}, the client id of no identity attached, so the credential gets no token`
      }
    }
    return {
      as: 'user',
      identity: { ...user, principalId: user.principalId },
      because: `${name} is ${shownValue(clientId)}, so the credential signs in as user-assigned identity ${user.name}`
    }
  }
  const unset = `${variables.join(' and ')} ${variables.length > 1 ? 'are' : 'is'} not set`
  if (hasSystemIdentity(identity) && identity?.principalId) {
    return {
      as: 'system',
      principalId: identity.principalId,
      because: `${unset}, so the credential signs in as the system-assigned identity`
    }
  }
  return { as: 'nobody', because: `${unset} and there is no system-assigned identity to sign in as` }
}

export function signedInPrincipal(signIn: SignIn): string | undefined {
  if (signIn.as === 'system') return signIn.principalId
  return signIn.as === 'user' ? signIn.identity.principalId : undefined
}
