import type { ContainerApp } from '@azure/arm-appcontainers'
import type {
  RedisCacheAccessPolicy,
  RedisCacheAccessPolicyAssignment,
  RedisResource
} from '@azure/arm-rediscache'
import type { AzureClients } from '../azure/clients.js'
import type { Deadline } from '../deadline.js'
import type { Inputs } from '../inputs/types.js'

export interface UserIdentity {
  id: string
  principalId: string
  clientId: string
}

export interface CurrentState {
  app: ContainerApp
  cache: RedisResource
  policies: RedisCacheAccessPolicy[]
  assignments: RedisCacheAccessPolicyAssignment[]
  userIdentity?: UserIdentity
}

/** A read that failed, with what was being read, so the error can name the resource. */
export class ReadError extends Error {
  readonly what: string
  override readonly cause: unknown

  constructor(what: string, cause: unknown) {
    super(`Could not read ${what}`)
    this.what = what
    this.cause = cause
  }
}

async function reading<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    throw new ReadError(what, error)
  }
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of pages) items.push(item)
  return items
}

/** Reads everything the plan needs, all at once: none of these reads depends on another. */
export async function readState(
  clients: AzureClients,
  inputs: Inputs,
  deadline: Deadline
): Promise<CurrentState> {
  const options = { abortSignal: deadline.signal }
  const app = `container app ${inputs.containerApp} in resource group ${inputs.resourceGroup}`
  const cache = `cache ${inputs.redisName} in resource group ${inputs.redisResourceGroup}`
  const identity = inputs.identity
  const [appState, cacheState, policies, assignments, userIdentity] = await Promise.all([
    reading(app, () => clients.apps.containerApps.get(inputs.resourceGroup, inputs.containerApp, options)),
    reading(cache, () => clients.redis.redis.get(inputs.redisResourceGroup, inputs.redisName, options)),
    reading(`the access policies of ${cache}`, () =>
      all(clients.redis.accessPolicy.list(inputs.redisResourceGroup, inputs.redisName, options))
    ),
    reading(`the access policy assignments of ${cache}`, () =>
      all(clients.redis.accessPolicyAssignment.list(inputs.redisResourceGroup, inputs.redisName, options))
    ),
    identity.kind === 'user'
      ? reading(
          `user-assigned identity ${identity.name} in resource group ${identity.resourceGroup}`,
          async () => {
            const found = await clients
              .identitiesIn(identity.subscriptionId)
              .userAssignedIdentities.get(identity.resourceGroup, identity.name, options)
            return {
              id: identity.resourceId,
              principalId: found.principalId ?? '',
              clientId: found.clientId ?? ''
            }
          }
        )
      : Promise.resolve(undefined)
  ])
  return { app: appState, cache: cacheState, policies, assignments, userIdentity }
}
