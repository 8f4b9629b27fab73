// Shared helpers for the sandbox tests: credentials and clients wired to a started sandbox.
import { request } from 'node:https'
import { ClientAssertionCredential } from '@azure/identity'
import type { TokenCredential } from '@azure/identity'
import type { Sandbox } from '../../sandbox/index.ts'
import { API_VERSIONS } from '../../src/azure/api-versions.js'

export const ARM_SCOPE = 'https://management.azure.com/.default'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

/** One HTTPS request that trusts the sandbox CA; no SDK involved. */
export function raw(
  sandbox: Sandbox,
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, ca: sandbox.caCert }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', c => (text += c))
      res.on('end', () => {
        let json: unknown
        try {
          json = text ? JSON.parse(text) : undefined
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

/** A GitHub OIDC token from the sandbox's ACTIONS_ID_TOKEN_REQUEST_URL, as @actions/core fetches it. */
export async function gitHubToken(
  sandbox: Sandbox,
  audience = 'api://AzureADTokenExchange'
): Promise<string> {
  const res = await raw(sandbox, `${sandbox.oidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${sandbox.oidc.requestToken}` }
  })
  if (res.status !== 200) throw new Error(`OIDC token request failed: ${res.status} ${res.text}`)
  return res.json.value as string
}

/** Options every in-process SDK client needs to reach the sandbox (NODE_EXTRA_CA_CERTS is read only at start). */
export const tlsFor = (sandbox: Sandbox): { tlsOptions: { ca: string } } => ({
  tlsOptions: { ca: sandbox.caCert }
})

/** The action's credential: ClientAssertionCredential fed with GitHub OIDC tokens. */
export function workflowCredential(
  sandbox: Sandbox,
  clientId: string,
  audience?: string
): ClientAssertionCredential {
  return new ClientAssertionCredential(sandbox.tenantId, clientId, () => gitHubToken(sandbox, audience), {
    authorityHost: sandbox.authorityHost,
    disableInstanceDiscovery: true,
    ...tlsFor(sandbox)
  })
}

/** Options for the HLC clients (@azure/arm-rediscache, @azure/arm-msi). */
export const hlcOptions = (sandbox: Sandbox): object => ({
  endpoint: sandbox.armEndpoint,
  credentialScopes: [ARM_SCOPE],
  ...tlsFor(sandbox)
})

/** Options for the modular client (@azure/arm-appcontainers 4), with the action's api-version: the SDK's default
 * (2026-07-01) is one Azure does not serve. */
export const modularOptions = (sandbox: Sandbox): object => ({
  endpoint: sandbox.armEndpoint,
  apiVersion: API_VERSIONS.containerApps,
  credentials: { scopes: [ARM_SCOPE] },
  ...tlsFor(sandbox)
})

/** A credential that hands out a fixed token, for 401 tests. */
export const fixedToken = (token: string): TokenCredential => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 })
})

export const armToken = async (credential: TokenCredential): Promise<string> =>
  (await credential.getToken(ARM_SCOPE))!.token

export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))
