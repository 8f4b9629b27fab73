import type { EnvironmentVar, ManagedServiceIdentity } from '@azure/arm-appcontainers'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import { attachedUsers, sameId, type AttachedUserIdentity } from '../domain/identities.js'
import type { Blocker } from './blocker.js'
import { DEFAULT_CLIENT_ID_VARIABLE, shownValue } from './sign-in-identity.js'

/** What a run does to one container's client id variables. */
export interface ClientIdPlan {
  set?: { name: string; value: string }
  remove: string[]
  blocker?: Blocker
}

export interface ClientIdContext {
  kind: IdentityChoice['kind']
  /** The app's identity block as its GET answers it: the identities a client id can select. */
  identity: ManagedServiceIdentity | undefined
  /** A short description of the identity the run connects, for messages. */
  connecting: string
}

/** The context for the identity the run connects, on an app or job with this identity block. */
export function clientIdContext(
  choice: IdentityChoice,
  identity: ManagedServiceIdentity | undefined
): ClientIdContext {
  return {
    kind: choice.kind,
    identity,
    connecting:
      choice.kind === 'system' ? 'the system-assigned identity' : `user-assigned identity ${choice.name}`
  }
}

function plainValue(env: EnvironmentVar[], name: string): EnvironmentVar | undefined {
  return env.find(v => v.name === name)
}

/**
 * The identity a client id variable was set for by this action: the attached user-assigned identity with that
 * client id whose object id is the container's object-id variable. The action writes the two together; a client
 * id whose identity REDIS_OBJECT_ID does not name was set by someone else, for something else.
 */
export function connectedClientIdOwner(
  env: EnvironmentVar[],
  value: string | undefined,
  names: VariableNames,
  identity: ManagedServiceIdentity | undefined
): AttachedUserIdentity | undefined {
  const objectId = plainValue(env, names.objectId)
  if (!value || !objectId?.value || objectId.secretRef !== undefined) return undefined
  return attachedUsers(identity).find(u => sameId(u.clientId, value) && sameId(u.principalId, objectId.value))
}

function whose(value: string, identity: ManagedServiceIdentity | undefined): string {
  const owner = attachedUsers(identity).find(u => sameId(u.clientId, value))
  return owner
    ? `the client id of user-assigned identity ${owner.name}`
    : 'the client id of no identity attached'
}

function ownerKey(value: string, identity: ManagedServiceIdentity | undefined): string | undefined {
  return attachedUsers(identity).find(u => sameId(u.clientId, value))?.key
}

/** How to remove a variable from a container, in the portal or with az. */
export const removeHint = (container: string, name: string): string =>
  `remove ${name} from container "${container}" (portal: Containers > Environment variables; or az containerapp update / az containerapp job update --container-name ${container} --remove-env-vars ${name})`

/**
 * Decides one container's client id variables so the app signs in as the identity the run connects. A value the
 * action set for an earlier identity (see connectedClientIdOwner) is replaced or removed; a value someone else set
 * is never changed: it blocks the run, with the choices.
 */
export function planClientId(
  container: string,
  env: EnvironmentVar[],
  names: VariableNames,
  ctx: ClientIdContext,
  wantedClientId: string | undefined
): ClientIdPlan {
  const foreign = (name: string, variable: EnvironmentVar, consequence: string): ClientIdPlan => {
    const value = variable.value ?? ''
    const key = variable.secretRef === undefined ? ownerKey(value, ctx.identity) : undefined
    const what =
      variable.secretRef !== undefined
        ? `${name} from secret ${variable.secretRef}`
        : `${name} = ${shownValue(value)}, ${whose(value, ctx.identity)}`
    return {
      remove: [],
      blocker: {
        step: 'identity',
        message: `Container "${container}" has ${what}. ${consequence} The action does not change a variable it did not set.`,
        fix: [
          key ? `Connect Redis with the identity the app signs in as (identity: ${key})` : undefined,
          `${key ? 'or, ' : ''}if nothing in the app needs it, ${removeHint(container, name)}`,
          ctx.kind === 'user' && names.clientId === DEFAULT_CLIENT_ID_VARIABLE
            ? `or give the Redis client a variable of its own (client-id-variable: REDIS_CLIENT_ID, passed as managedIdentityClientId)`
            : undefined
        ]
          .filter(Boolean)
          .join('; ')
          .concat('; then rerun.')
      }
    }
  }

  if (ctx.kind === 'user') {
    if (!wantedClientId) return { remove: [] }
    const set: ClientIdPlan = { set: { name: names.clientId, value: wantedClientId }, remove: [] }
    const variable = plainValue(env, names.clientId)
    if (!variable) return set
    if (variable.secretRef === undefined) {
      if (!variable.value || connectedClientIdOwner(env, variable.value, names, ctx.identity)) return set
      if (sameId(variable.value, wantedClientId)) return { remove: [] }
    }
    return foreign(
      names.clientId,
      variable,
      `The app's credential takes its client id from it, and ${names.objectId} does not name that identity, so this action did not set it: the app uses it for something else (Key Vault, Storage, …). Setting it to ${ctx.connecting} would move those sign-ins too.`
    )
  }

  const remove: string[] = []
  for (const name of new Set([DEFAULT_CLIENT_ID_VARIABLE, names.clientId])) {
    const variable = plainValue(env, name)
    if (!variable) continue
    if (variable.secretRef === undefined && !variable.value) continue
    if (
      variable.secretRef === undefined &&
      connectedClientIdOwner(env, variable.value, names, ctx.identity)
    ) {
      remove.push(name)
      continue
    }
    if (name !== DEFAULT_CLIENT_ID_VARIABLE) continue
    return foreign(
      name,
      variable,
      `DefaultAzureCredential in the app reads it, so the app would not sign in as ${ctx.connecting}, which this run connects to Redis: Redis would refuse it (WRONGPASS), or there would be no token at all.`
    )
  }
  return { remove }
}
