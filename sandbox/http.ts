// A tiny HTTPS server with a regex router. Every request is logged (never its Authorization header or any
// token), may get an injected fault, and may be slowed down by the latency profile.
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:https'
import { setTimeout as delay } from 'node:timers/promises'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FaultInjector } from './faults.ts'
import type { HookRunner } from './hooks.ts'
import type { TestPki } from './tls.ts'

export type ServiceName = 'arm' | 'entra' | 'oidc' | 'sandbox' | 'github'

export interface RequestLogEntry {
  seq: number
  startedAt: number
  endedAt: number
  service: ServiceName
  method: string
  path: string
  apiVersion?: string
  status: number
  operation?: string
  clientRequestId?: string
  /** the x-ms-correlation-request-id answered: the client's, or one the service made */
  correlationId?: string
  body?: unknown
  fault?: string
  /** the scheme of the Authorization header (`token` is GitHub's); never its value */
  authorization?: 'bearer' | 'token' | 'none'
  /** the client's TCP port: tells a request that came through a proxy's tunnel from one sent directly */
  clientPort?: number
}

export interface SandboxRequest {
  method: string
  /** path without the query string, as sent (not decoded) */
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** parsed JSON or form body; undefined when there is none or it does not parse */
  body: unknown
  bodyError?: string
  /** capture groups of the route pattern, URI-decoded */
  params: string[]
  /** origin of this server, e.g. https://localhost:1234 */
  origin: string
  /** set by a handler to name the operation in the request log */
  operation?: string
}

export interface Reply {
  status: number
  headers?: Record<string, string>
  /** serialised as JSON unless `text` is given */
  body?: unknown
  text?: string
}

/** Thrown by handlers to answer with an error reply. */
export class HttpError extends Error {
  reply: Reply
  constructor(reply: Reply, message?: string) {
    super(message ?? `HTTP ${reply.status}`)
    this.reply = reply
  }
}

export interface Route {
  method: string
  pattern: RegExp
  handle(req: SandboxRequest): Reply | Promise<Reply>
  operation?: string
  /** the service named in the request log when it differs from the server's */
  service?: ServiceName
  /** what to log of the request body (default: the parsed body of writes); must never include secrets */
  logBody?(req: SandboxRequest): unknown
}

export interface ServiceOptions {
  name: ServiceName
  pki: TestPki
  log: RequestLogEntry[]
  nextSeq(): number
  faults: FaultInjector
  /** actions a test runs right after a matching request is answered */
  hooks?: HookRunner
  /** extra latency before handling a request of this service */
  latencyMs?(): number
  /** body of an error reply in this service's dialect */
  errorBody(status: number, code: string, message: string): unknown
}

export interface HttpsService {
  origin: string
  routes: Route[]
  stop(): Promise<void>
}

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name]
  return Array.isArray(v) ? v[0] : v
}

function parseBody(raw: string, contentType: string | undefined): { body?: unknown; error?: string } {
  if (raw.length === 0) return {}
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(raw)) }
  }
  try {
    return { body: JSON.parse(raw) }
  } catch (err) {
    return { error: (err as Error).message }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export async function startHttpsService(o: ServiceOptions): Promise<HttpsService> {
  const routes: Route[] = []
  const server = createServer({ key: o.pki.key, cert: o.pki.cert })
  let origin = ''
  // A delay fault may hold a request for minutes (a hanging endpoint); stopping the service ends the wait.
  const stopping = new AbortController()
  const sleep = (ms: number): Promise<void> => delay(ms, undefined, { signal: stopping.signal })

  const send = (res: ServerResponse, reply: Reply, correlationId: string): void => {
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      'x-ms-correlation-request-id': correlationId,
      'cache-control': 'no-cache',
      ...reply.headers
    }
    let payload = ''
    if (reply.text !== undefined) {
      payload = reply.text
      headers['content-type'] ??= 'text/plain; charset=utf-8'
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body)
      headers['content-type'] = 'application/json; charset=utf-8'
    }
    headers['content-length'] = String(Buffer.byteLength(payload))
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = Date.now()
    const seq = o.nextSeq()
    // ARM tolerates a doubled leading slash, which generic by-id clients send ('/{+resourceId}' with an id that
    // starts with '/'); without this, URL parsing would take the first segment for a host name.
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), origin)
    const method = (req.method ?? 'GET').toUpperCase()
    const raw = await readBody(req)
    const parsed = parseBody(raw, header(req.headers, 'content-type'))
    const clientCorrelation = header(req.headers, 'x-ms-correlation-request-id')
    const correlationId = clientCorrelation ?? randomUUID()
    const route = routes.find(r => r.method === method && r.pattern.test(url.pathname))
    const params = route
      ? (route.pattern.exec(url.pathname) ?? []).slice(1).map(p => decodeURIComponent(p ?? ''))
      : []
    const sreq: SandboxRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parsed.body,
      bodyError: parsed.error,
      params,
      origin,
      operation: route?.operation
    }
    const entry: RequestLogEntry = {
      seq,
      startedAt,
      endedAt: startedAt,
      service: route?.service ?? o.name,
      method,
      path: url.pathname,
      apiVersion: url.searchParams.get('api-version') ?? undefined,
      status: 0,
      clientRequestId:
        header(req.headers, 'x-ms-client-request-id') ?? header(req.headers, 'client-request-id'),
      correlationId,
      authorization: authorizationScheme(header(req.headers, 'authorization')),
      clientPort: req.socket.remotePort
    }
    if (route?.logBody) entry.body = route.logBody(sreq)
    else if (method !== 'GET' && method !== 'DELETE' && parsed.body !== undefined) entry.body = parsed.body
    o.log.push(entry)

    const finish = (reply: Reply): void => {
      entry.status = reply.status
      entry.operation = sreq.operation
      entry.endedAt = Date.now()
      send(res, reply, correlationId)
      o.hooks?.answered(method, url.pathname)
    }

    const latency = o.latencyMs?.() ?? 0
    if (latency > 0) await sleep(latency)

    const fault = o.faults.take(method, url.pathname)
    if (fault) {
      entry.fault = fault.kind
      if (fault.kind === 'reset') {
        entry.endedAt = Date.now()
        req.socket.destroy()
        return
      }
      if (fault.kind === 'delay') await sleep(fault.delayMs ?? 0)
      if (fault.kind === 'answer') {
        finish({
          status: fault.status ?? 200,
          headers: {
            'content-type': fault.contentType ?? 'application/json; charset=utf-8',
            ...fault.headers
          },
          text: fault.text ?? ''
        })
        return
      }
      if (fault.kind === 'status') {
        const status = fault.status ?? 500
        const code = fault.code ?? defaultFaultCode(status)
        const message = fault.message ?? `Injected fault: HTTP ${status}.`
        const headers = {
          ...(status === 429 || status === 503 ? { 'retry-after': '1' } : {}),
          ...fault.headers
        }
        finish({ status, headers, body: o.errorBody(status, code, message) })
        return
      }
    }

    if (!route) {
      finish({ status: 404, body: o.errorBody(404, 'NotFound', `No route for ${method} ${url.pathname}.`) })
      return
    }
    try {
      finish(await route.handle(sreq))
    } catch (err) {
      if (err instanceof HttpError) finish(err.reply)
      else
        finish({
          status: 500,
          body: o.errorBody(500, 'InternalServerError', String((err as Error)?.stack ?? err))
        })
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  origin = `https://localhost:${(server.address() as AddressInfo).port}`
  return {
    origin,
    routes,
    stop: () =>
      new Promise<void>(resolve => {
        stopping.abort()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

function authorizationScheme(value: string | undefined): RequestLogEntry['authorization'] {
  const scheme = value?.split(' ')[0].toLowerCase()
  return scheme === 'bearer' || scheme === 'token' ? scheme : 'none'
}

function defaultFaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests'
  if (status === 503) return 'ServiceUnavailable'
  if (status === 500) return 'InternalServerError'
  if (status === 409) return 'Conflict'
  return 'InjectedFault'
}
