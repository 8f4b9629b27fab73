// Stand-in for each container app's ingress: GET https://localhost:PORT/{rg}/{app}/healthz answers like an app
// that connects to Redis the documented way — variables from its latest ready revision, a managed identity
// token for https://redis.azure.com/.default, username = object id — so end-to-end tests see whether what the
// action configured actually works.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient, createCluster } from 'redis'
import type { TestPki } from './tls.ts'

export interface AppRuntimeView {
  /** env of the first container in the latest ready revision's template; secretRef entries omitted */
  env: Record<string, string>
  systemPrincipalId?: string
  userAssigned: { clientId: string; principalId: string }[]
  /** name of that revision, echoed in the health answer */
  revision?: string
}

export interface Ingress {
  url(rg: string, app: string): string
  stop(): Promise<void>
}

export interface IngressOptions {
  pki: TestPki
  describeApp(rg: string, app: string): AppRuntimeView | undefined
  mintManagedIdentityToken(principalId: string, scope: string): Promise<string>
  /** whether host:port is an OSS-clustered database: the app's developer knows, and uses a cluster client */
  isOssCluster?(host: string, port: number): boolean
  /** names of the app variables, when the action was told to use others */
  variables?: { host?: string; port?: string; objectId?: string; clientId?: string }
}

export type HealthAnswer =
  { status: 'connected'; revision?: string; objectId: string } | { status: 'not-connected'; reason: string }

const REDIS_SCOPE = 'https://redis.azure.com/.default'
const CONNECT_TIMEOUT_MS = 2000
const CHECK_TIMEOUT_MS = 5000

export async function startIngress(o: IngressOptions): Promise<Ingress> {
  const server = createServer({ cert: o.pki.cert, key: o.pki.key }, (req, res) => {
    handle(o, req, res).catch(err => send(res, 500, { status: 'not-connected', reason: String(err) }))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, 'localhost', resolve)
  })
  const { port } = server.address() as AddressInfo
  let stopped: Promise<void> | undefined
  return {
    url: (rg, app) =>
      `https://localhost:${port}/${encodeURIComponent(rg)}/${encodeURIComponent(app)}/healthz`,
    stop() {
      stopped ??= new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopped
    }
  }
}

async function handle(o: IngressOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parts = new URL(req.url ?? '/', 'https://localhost').pathname.split('/').map(decodeURIComponent)
  if (req.method !== 'GET' || parts.length !== 4 || parts[3] !== 'healthz') {
    return send(res, 404, { status: 'not-connected', reason: `no route for ${req.method} ${req.url}` })
  }
  const [, rg, app] = parts
  const view = o.describeApp(rg, app)
  if (!view)
    return send(res, 404, { status: 'not-connected', reason: `container app ${rg}/${app} not found` })
  const answer = await checkRedis(o, view)
  send(res, answer.status === 'connected' ? 200 : 503, answer)
}

/** What the app's own startup would do: read variables, get a token, connect, write and read a key. */
export async function checkRedis(
  o: Pick<IngressOptions, 'mintManagedIdentityToken' | 'variables' | 'pki' | 'isOssCluster'>,
  view: AppRuntimeView
): Promise<HealthAnswer> {
  const names = {
    host: o.variables?.host ?? 'REDIS_HOST',
    port: o.variables?.port ?? 'REDIS_PORT',
    objectId: o.variables?.objectId ?? 'REDIS_OBJECT_ID',
    clientId: o.variables?.clientId ?? 'AZURE_CLIENT_ID'
  }
  const missing = [names.host, names.port, names.objectId].filter(name => !view.env[name])
  if (missing.length) return notConnected(`app variable(s) not set: ${missing.join(', ')}`)
  const host = view.env[names.host]
  const port = Number(view.env[names.port])
  const objectId = view.env[names.objectId]
  if (!Number.isInteger(port) || port <= 0)
    return notConnected(`${names.port} is not a port: ${view.env[names.port]}`)

  // DefaultAzureCredential in the app: AZURE_CLIENT_ID selects that user-assigned identity (a GUID, any case),
  // and fails when none attached has it; unset, it selects the system identity.
  const clientId = view.env[names.clientId]
  const principalId = clientId
    ? view.userAssigned.find(identity => identity.clientId.toLowerCase() === clientId.toLowerCase())
        ?.principalId
    : view.systemPrincipalId
  if (!principalId) {
    return notConnected(
      clientId
        ? `no user-assigned identity with client id ${clientId} is assigned to the app`
        : 'the app has no system-assigned identity'
    )
  }
  let token: string
  try {
    token = await o.mintManagedIdentityToken(principalId, REDIS_SCOPE)
  } catch (err) {
    return notConnected(`managed identity token: ${errorMessage(err)}`)
  }

  try {
    const cluster = o.isOssCluster?.(host, port) ?? false
    await roundTrip({ host, port, username: objectId, password: token, ca: o.pki.caCert, cluster })
  } catch (err) {
    return notConnected(errorMessage(err))
  }
  return view.revision
    ? { status: 'connected', revision: view.revision, objectId }
    : { status: 'connected', objectId }
}

async function roundTrip(o: {
  host: string
  port: number
  username: string
  password: string
  ca: string
  cluster: boolean
}): Promise<void> {
  const { host, port, username, password, ca } = o
  const socket = {
    tls: true as const,
    ca,
    connectTimeout: CONNECT_TIMEOUT_MS,
    reconnectStrategy: false as const
  }
  // An OSS-clustered cache: a cluster client, signed in on every node; the nodes announce IP addresses, so each
  // one's certificate is checked against the cache's host name.
  const client = o.cluster
    ? createCluster({
        rootNodes: [{ socket: { host, port } }],
        defaults: { username, password, socket: { ...socket, servername: host } }
      })
    : createClient({ socket: { ...socket, host, port }, username, password })
  client.on('error', () => {
    // surfaced by the awaited commands
  })
  let timedOut = false
  // destroy() fails whatever is pending, so a server that stops answering cannot hold the check open.
  const timer = setTimeout(() => {
    timedOut = true
    client.destroy()
  }, CHECK_TIMEOUT_MS)
  try {
    await client.connect()
    const key = `healthz:${randomUUID()}`
    await client.set(key, 'ok', { EX: 30 })
    if ((await client.get(key)) !== 'ok') throw new Error(`GET ${key} did not return the value just SET`)
    await client.del(key)
  } catch (err) {
    throw timedOut ? new Error(`no answer from Redis within ${CHECK_TIMEOUT_MS} ms`) : err
  } finally {
    clearTimeout(timer)
    client.destroy()
  }
}

function notConnected(reason: string): HealthAnswer {
  return { status: 'not-connected', reason }
}

function errorMessage(err: unknown): string {
  // net's happy-eyeballs connect fails with an AggregateError whose own message is empty
  if (err instanceof AggregateError && !err.message) return err.errors.map(errorMessage).join('; ')
  if (err instanceof Error) return err.message || err.constructor.name
  return String(err)
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' })
  res.end(JSON.stringify(body))
}
