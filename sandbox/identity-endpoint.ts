// The managed identity endpoint Container Apps gives each app's replicas: IDENTITY_ENDPOINT and IDENTITY_HEADER,
// the App Service protocol (api-version 2019-08-01) that @azure/identity's ManagedIdentityCredential (and so
// DefaultAzureCredential) speaks. A process started with envFor(rg, app) signs in as that app's identity: its
// system-assigned one, or the user-assigned one named by client_id / principal_id / object_id.
// Source: Learn, "Managed identities in Azure Container Apps" (Connect to Azure services in app code; REST
// endpoint); the error texts are unconfirmed.
import { randomBytes } from 'node:crypto'
import { HttpError } from './http.ts'
import type { Reply, Route, SandboxRequest } from './http.ts'

export interface AppIdentities {
  systemPrincipalId?: string
  userAssigned: { clientId: string; principalId: string }[]
}

export interface IdentityEndpointOptions {
  identitiesOf(rg: string, app: string): AppIdentities | undefined
  /** expiresOn in seconds since the epoch */
  issue(principalId: string, resource: string): Promise<{ token: string; expiresOn: number }>
}

export interface IdentityEndpoint {
  routes: Route[]
  /** The variables Container Apps sets in the app's containers. */
  envFor(origin: string, rg: string, app: string): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string }
}

const PATH = '/msi/token'

const refuse = (status: number, message: string): HttpError =>
  new HttpError({ status, body: { statusCode: status, message } }, message)

export function createIdentityEndpoint(o: IdentityEndpointOptions): IdentityEndpoint {
  const apps = new Map<string, { rg: string; app: string }>()
  const secrets = new Map<string, string>()

  const handle = async (req: SandboxRequest): Promise<Reply> => {
    const header = req.headers['x-identity-header']
    const secret = Array.isArray(header) ? header[0] : header
    const app = secret ? apps.get(secret) : undefined
    if (!app) throw refuse(401, 'The X-IDENTITY-HEADER header is missing or not this environment’s.')
    const resource = req.query.get('resource')
    if (!resource) throw refuse(400, 'The resource parameter is required.')
    const identities = o.identitiesOf(app.rg, app.app)
    const wanted =
      req.query.get('client_id') ?? req.query.get('principal_id') ?? req.query.get('object_id') ?? undefined
    const principalId = wanted
      ? identities?.userAssigned.find(
          u =>
            u.clientId.toLowerCase() === wanted.toLowerCase() ||
            u.principalId.toLowerCase() === wanted.toLowerCase()
        )?.principalId
      : identities?.systemPrincipalId
    if (!principalId)
      throw refuse(
        400,
        wanted
          ? `No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.`
          : 'No MSI found for specified ClientId/ResourceId.'
      )
    const { token, expiresOn } = await o.issue(principalId, resource)
    const client = identities?.userAssigned.find(u => u.principalId === principalId)?.clientId
    return {
      status: 200,
      body: {
        access_token: token,
        expires_on: String(expiresOn),
        resource,
        token_type: 'Bearer',
        ...(client ? { client_id: client } : {})
      }
    }
  }

  return {
    routes: [
      {
        method: 'GET',
        pattern: new RegExp(`^${PATH}$`),
        operation: 'managedIdentity.token',
        service: 'sandbox',
        handle
      }
    ],
    envFor(origin, rg, app) {
      const key = `${rg.toLowerCase()}/${app.toLowerCase()}`
      let secret = secrets.get(key)
      if (!secret) {
        secret = randomBytes(16).toString('hex')
        secrets.set(key, secret)
        apps.set(secret, { rg, app })
      }
      return { IDENTITY_ENDPOINT: `${origin}${PATH}`, IDENTITY_HEADER: secret }
    }
  }
}
