// Microsoft Entra ID: OpenID configuration, the v2.0 token endpoint for client_credentials with a federated
// client assertion (GitHub OIDC), AADSTS errors with their real codes, and access tokens for principals.
import { randomUUID } from 'node:crypto'
import { GITHUB_ISSUER } from './github-oidc.ts'
import type { GitHubIssuer } from './github-oidc.ts'
import { HttpError } from './http.ts'
import type { Reply, Route, SandboxRequest } from './http.ts'
import { createSigningKey, decodeJwt, hasValidSignature, publicJwk, signJwt } from './jwt.ts'
import type { SigningKey } from './jwt.ts'
import { isJsonObject, stringMembers } from './request-body.ts'
import type { Principal, SandboxState } from './state.ts'

export const REDIS_APP_ID = 'acca5fbb-b7e4-4009-81f1-37e38fd66d78'
export const REDIS_AUDIENCES = ['https://redis.azure.com/', 'https://redis.azure.com', REDIS_APP_ID]
export type CloudName = 'azurecloud' | 'azureusgovernment' | 'azurechinacloud'

/** The audiences each cloud's Resource Manager accepts; a sandbox plays one cloud at a time. */
export const ARM_AUDIENCES_BY_CLOUD: Record<CloudName, string[]> = {
  azurecloud: [
    'https://management.azure.com/',
    'https://management.azure.com',
    'https://management.core.windows.net/',
    'https://management.core.windows.net'
  ],
  azureusgovernment: [
    'https://management.usgovcloudapi.net/',
    'https://management.usgovcloudapi.net',
    'https://management.core.usgovcloudapi.net/',
    'https://management.core.usgovcloudapi.net'
  ],
  azurechinacloud: [
    'https://management.chinacloudapi.cn/',
    'https://management.chinacloudapi.cn',
    'https://management.core.chinacloudapi.cn/',
    'https://management.core.chinacloudapi.cn'
  ]
}
export const ARM_AUDIENCES = ARM_AUDIENCES_BY_CLOUD.azurecloud
const KNOWN_RESOURCES = [
  ...Object.values(ARM_AUDIENCES_BY_CLOUD).flat(),
  ...REDIS_AUDIENCES,
  'https://graph.microsoft.com/',
  'https://graph.microsoft.com'
]
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const WIF_DOC = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
const TOKEN_LIFETIME_S = 3600

export type Grant = 'client_credentials' | 'azure_cli' | 'managed_identity'

export interface TokenIssued {
  audience: string
  scope: string
  clientId: string
  objectId: string
  grant: string
}

export interface Entra {
  key: SigningKey
  /** `iss` of access tokens */
  tokenIssuer: string
  tokensIssued: TokenIssued[]
  routes: Route[]
  issueAccessToken(p: Principal, scope: string, grant: Grant): Promise<{ token: string; expiresOn: number }>
}

export interface EntraOptions {
  state: SandboxState
  github: GitHubIssuer
  /** called (and awaited) before a token for the Redis audience is handed out */
  onRedisToken(objectId: string, token: string, expiresAtMs: number): Promise<void>
  /** identity `az` is logged in as */
  azCliLogin(): Principal | undefined
  /** secret path segment of the fake az CLI's token endpoint */
  azCliKey: string
}

/** The token audience for a `/.default` scope: the resource, as Entra v1 tokens carry it. */
export function audienceOf(scope: string): string {
  const resource = scope.slice(0, -'.default'.length)
  return resource.startsWith('http') ? resource : resource.replace(/\/$/, '')
}

export const isRedisAudience = (aud: string): boolean => REDIS_AUDIENCES.includes(aud.toLowerCase())

export function entraErrorBody(
  error: string,
  code: number,
  text: string,
  correlationId: string = randomUUID()
): object {
  const now = new Date()
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
  const traceId = randomUUID()
  return {
    error,
    error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`
  }
}

const fail = (status: number, error: string, code: number, text: string, correlationId?: string): HttpError =>
  new HttpError({ status, body: entraErrorBody(error, code, text, correlationId) }, `AADSTS${code}`)

export function createEntra(o: EntraOptions): Entra {
  const { state } = o
  const key = createSigningKey()
  const tokenIssuer = `https://sts.windows.net/${state.tenantId}/`
  const tokensIssued: TokenIssued[] = []

  const issueAccessToken: Entra['issueAccessToken'] = async (p, scope, grant) => {
    const aud = audienceOf(scope)
    const now = Math.floor(Date.now() / 1000)
    const exp = now + TOKEN_LIFETIME_S
    const token = signJwt(
      {
        aud,
        iss: tokenIssuer,
        iat: now,
        nbf: now,
        exp,
        appid: p.clientId,
        appidacr: '2',
        idp: tokenIssuer,
        idtyp: 'app',
        oid: p.objectId,
        sub: p.objectId,
        tid: state.tenantId,
        uti: randomUUID().replaceAll('-', ''),
        ver: '1.0'
      },
      key
    )
    if (isRedisAudience(aud)) await o.onRedisToken(p.objectId, token, exp * 1000)
    tokensIssued.push({ audience: aud, scope, clientId: p.clientId, objectId: p.objectId, grant })
    return { token, expiresOn: exp }
  }

  const checkTenant = (tenant: string, correlationId?: string): void => {
    if (tenant.toLowerCase() !== state.tenantId.toLowerCase()) {
      throw fail(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
        correlationId
      )
    }
  }

  /** The single `/.default` scope of a client credentials request. */
  const defaultScope = (scopeParam: string | undefined, correlationId?: string): string => {
    const scope = (scopeParam ?? '').split(' ').find(s => s.endsWith('/.default'))
    if (!scope) {
      throw fail(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scopeParam ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        correlationId
      )
    }
    if (!KNOWN_RESOURCES.includes(audienceOf(scope).toLowerCase())) {
      throw fail(
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${audienceOf(scope)} was not found in the tenant named ${state.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        correlationId
      )
    }
    return scope
  }

  /** Checks a GitHub OIDC assertion against the app's federated credentials, in Entra's order. */
  const verifyAssertion = (app: Principal, assertion: string, correlationId?: string): void => {
    const jwt = decodeJwt(assertion)
    if (!jwt) throw fail(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.', correlationId)
    const c = jwt.payload
    const now = Date.now() / 1000
    const exp = Number(c.exp)
    const nbf = Number(c.nbf ?? c.iat)
    if (!(exp > now) || nbf > now) {
      const iso = (s: number): string => (Number.isFinite(s) ? new Date(s * 1000).toISOString() : 'unknown')
      throw fail(
        400,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date().toISOString()}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
        correlationId
      )
    }
    const iss = String(c.iss)
    const byIssuer = app.federatedCredentials.filter(f => f.issuer === iss)
    if (byIssuer.length === 0) {
      throw fail(
        400,
        'invalid_request',
        700211,
        `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOC}`,
        correlationId
      )
    }
    if (iss !== GITHUB_ISSUER || !hasValidSignature(jwt, o.github.key)) {
      throw fail(400, 'invalid_client', 50013, 'Assertion failed signature validation.', correlationId)
    }
    const sub = String(c.sub)
    // Entra answers a subject no federated credential matches with HTTP 401 invalid_client, not 400
    // (microsoft/Agents#202 shows the 401 for the sibling AADSTS7002137).
    const bySubject = byIssuer.filter(f => f.subject === sub)
    if (bySubject.length === 0) {
      const caseOnly = byIssuer.some(f => f.subject.toLowerCase() === sub.toLowerCase())
      throw caseOnly
        ? fail(
            401,
            'invalid_client',
            7002138,
            `No matching federated identity record found for presented assertion subject '${sub}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOC}`,
            correlationId
          )
        : fail(
            401,
            'invalid_client',
            700213,
            `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOC}`,
            correlationId
          )
    }
    const auds = Array.isArray(c.aud) ? c.aud.map(String) : [String(c.aud)]
    if (!bySubject.some(f => f.audiences.some(a => auds.includes(a)))) {
      throw fail(
        400,
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${auds.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOC}`,
        correlationId
      )
    }
  }

  const token = async (req: SandboxRequest): Promise<Reply> => {
    const correlationId = headerOf(req, 'client-request-id')
    checkTenant(req.params[0], correlationId)
    const form = stringMembers(req.body)
    if (form.grant_type !== 'client_credentials') {
      throw fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
        correlationId
      )
    }
    const scope = defaultScope(form.scope, correlationId)
    const app = [...state.principals.values()].find(
      p => p.kind === 'application' && p.clientId.toLowerCase() === String(form.client_id).toLowerCase()
    )
    if (!app) {
      throw fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${form.client_id}' was not found in the directory '${state.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        correlationId
      )
    }
    if (form.client_assertion_type !== ASSERTION_TYPE || !form.client_assertion) {
      throw fail(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        correlationId
      )
    }
    verifyAssertion(app, form.client_assertion, correlationId)
    const issued = await issueAccessToken(app, scope, 'client_credentials')
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_S - 1,
        ext_expires_in: TOKEN_LIFETIME_S - 1,
        access_token: issued.token
      }
    }
  }

  const openIdConfiguration = (req: SandboxRequest): Reply => {
    checkTenant(req.params[0])
    const base = `${req.origin}/${req.params[0]}`
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic'
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${req.origin}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'ver'],
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net'
      }
    }
  }

  /** The fake `az account get-access-token` asks here for a token of the logged-in identity. */
  const azCliToken = async (req: SandboxRequest): Promise<Reply> => {
    if (req.params[0] !== o.azCliKey) throw new HttpError({ status: 404, body: { error: 'not_found' } })
    const login = o.azCliLogin()
    if (!login) return { status: 401, body: { error: 'not_logged_in' } }
    const b = stringMembers(req.body)
    if (b.tenant) checkTenant(b.tenant)
    const scope = defaultScope(b.scope)
    const issued = await issueAccessToken(login, scope, 'azure_cli')
    return {
      status: 200,
      body: {
        accessToken: issued.token,
        expiresOn: issued.expiresOn,
        subscription: state.subscriptionId,
        tenant: state.tenantId
      }
    }
  }

  const redactForm = (req: SandboxRequest): unknown => {
    const {
      client_assertion: _assertion,
      client_secret: _secret,
      ...rest
    } = isJsonObject(req.body) ? req.body : {}
    return rest
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      operation: 'entra.openidConfiguration',
      handle: openIdConfiguration
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/discovery\/v2\.0\/keys$/,
      operation: 'entra.keys',
      handle: () => ({ status: 200, body: { keys: [publicJwk(key)] } })
    },
    {
      method: 'POST',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      operation: 'entra.token',
      handle: token,
      logBody: redactForm
    },
    {
      method: 'POST',
      pattern: /^\/sandbox\/az\/([^/]+)\/token$/,
      operation: 'azcli.getAccessToken',
      service: 'sandbox',
      handle: azCliToken
    }
  ]
  return { key, tokenIssuer, tokensIssued, routes, issueAccessToken }
}

const headerOf = (req: SandboxRequest, name: string): string | undefined => {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}
