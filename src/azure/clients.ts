import { ManagedServiceIdentityClient } from '@azure/arm-msi'
import { RedisManagementClient } from '@azure/arm-rediscache'
import { createResourceManagement, type ResourceManagementContext } from '@azure/arm-resources/api'
import type { PipelinePolicy } from '@azure/core-rest-pipeline'
import type { TokenCredential } from '@azure/identity'
import type { Cloud } from '../domain/cloud.js'
import { API_VERSIONS } from './api-versions.js'
import { createContainerAppsClient, type ContainerAppsClient } from './container-apps-client.js'
import { requestLoggingPolicy } from './debug-policy.js'
import { TRANSPORT_RETRY } from './transport-retry.js'

export interface AzureClients {
  /** The subscription the clients are for: resource ids of the app, the job and the cache start with it. */
  subscriptionId: string
  apps: ContainerAppsClient
  redis: RedisManagementClient
  /** The generic client, for Azure Managed Redis (no released SDK has its access policy assignments). */
  resources: ResourceManagementContext
  /** Identities can live in another subscription than the app. */
  identitiesIn(subscriptionId: string): ManagedServiceIdentityClient
}

const USER_AGENT = 'gh-connect-container-app-redis/1'

/**
 * SDK clients with an explicit endpoint, scope and api-version, so sovereign clouds and emulators work alike. The
 * generic client sends no version of its own: every Managed Redis call passes API_VERSIONS.managedRedis.
 */
export function createClients(
  credential: TokenCredential,
  subscriptionId: string,
  cloud: Cloud,
  /** Policies of the caller's (the write log), after each attempt's answer. */
  policies: PipelinePolicy[] = []
): AzureClients {
  const shared = {
    endpoint: cloud.resourceManagerEndpoint,
    credentialScopes: [cloud.resourceManagerScope],
    userAgentOptions: { userAgentPrefix: USER_AGENT },
    retryOptions: TRANSPORT_RETRY
  }
  const logging = [requestLoggingPolicy(), ...policies].map(policy => ({
    policy,
    position: 'perRetry' as const
  }))
  return {
    subscriptionId,
    // The modular Container Apps client takes its scope as credentials.scopes, not credentialScopes.
    apps: createContainerAppsClient(credential, subscriptionId, {
      ...shared,
      apiVersion: API_VERSIONS.containerApps,
      credentials: { scopes: [cloud.resourceManagerScope] },
      additionalPolicies: logging
    }),
    redis: new RedisManagementClient(credential, subscriptionId, {
      ...shared,
      apiVersion: API_VERSIONS.redis,
      additionalPolicies: logging
    }),
    resources: createResourceManagement(credential, subscriptionId, {
      ...shared,
      credentials: { scopes: [cloud.resourceManagerScope] },
      additionalPolicies: logging
    }),
    identitiesIn: (identitySubscriptionId: string) =>
      new ManagedServiceIdentityClient(credential, identitySubscriptionId, {
        ...shared,
        apiVersion: API_VERSIONS.managedIdentity,
        additionalPolicies: logging
      })
  }
}
