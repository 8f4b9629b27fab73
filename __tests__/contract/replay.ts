// An HTTP client for the official SDK clients that answers from recordings of real Azure, so the action's read,
// plan and verify code runs on the bytes Azure sent (through the same deserializers and pollers as in a run).
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { ManagedServiceIdentityClient } from '@azure/arm-msi'
import { RedisManagementClient } from '@azure/arm-rediscache'
import { createResourceManagement } from '@azure/arm-resources/api'
import { createHttpHeaders } from '@azure/core-rest-pipeline'
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline'
import type { TokenCredential } from '@azure/identity'
import type { AzureClients } from '../../src/azure/clients.js'
import type { Answer } from './recordings.ts'

export interface Route {
  method: string
  /** Matched against the URL path, without the query. */
  path: RegExp
  answer: Answer
}

export interface ReplayClient extends HttpClient {
  /** 'METHOD /path' of every request, in order. */
  readonly requests: string[]
}

/** Answers each request with the first route that matches; a request no recording covers fails loudly. */
export function replay(routes: Route[]): ReplayClient {
  const requests: string[] = []
  return {
    requests,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const path = new URL(request.url).pathname.replace(/^\/+/, '/')
      requests.push(`${request.method} ${path}`)
      const route = routes.find(r => r.method === request.method && r.path.test(path))
      if (!route) throw new Error(`no recording answers ${request.method} ${path}`)
      const { status, headers, body } = route.answer
      const defined = Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined)
      return {
        request,
        status,
        headers: createHttpHeaders(Object.fromEntries(defined)),
        bodyAsText: body === null || body === undefined ? '' : JSON.stringify(body)
      }
    }
  }
}

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000'
const ENDPOINT = 'https://management.azure.com'
const SCOPE = `${ENDPOINT}/.default`

/** Tokens are not part of the recordings: any token will do for a replayed exchange. */
const anyToken: TokenCredential = {
  getToken: async () => ({ token: 'replayed', expiresOnTimestamp: Date.now() + 3_600_000 })
}

/** The action's four clients, built as src/azure/clients.ts builds them, answering from the recordings. */
export function replayClients(httpClient: HttpClient): AzureClients {
  const shared = {
    endpoint: ENDPOINT,
    credentialScopes: [SCOPE],
    httpClient,
    retryOptions: { maxRetries: 0 }
  }
  return {
    subscriptionId: SUBSCRIPTION,
    apps: new ContainerAppsAPIClient(anyToken, SUBSCRIPTION, { ...shared, credentials: { scopes: [SCOPE] } }),
    redis: new RedisManagementClient(anyToken, SUBSCRIPTION, shared),
    resources: createResourceManagement(anyToken, SUBSCRIPTION, {
      ...shared,
      credentials: { scopes: [SCOPE] }
    }),
    identitiesIn: (subscriptionId: string) =>
      new ManagedServiceIdentityClient(anyToken, subscriptionId, shared)
  }
}
