// A tiny forward proxy for tests, like the ones in front of self-hosted runners: it opens HTTP CONNECT tunnels
// (to this machine only) and records each one, with the local port of its upstream connection so that a
// server's request log can tell tunnelled requests from direct ones. Plain proxied HTTP is refused.
import { createServer, type IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface Tunnel {
  /** host:port the client asked for */
  target: string
  /** local port of the proxy's connection to the target: the client port the target sees */
  upstreamPort: number
}

export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY */
  url: string
  tunnels: Tunnel[]
  /** requests that were not CONNECT (refused) */
  refused: string[]
  stop(): Promise<void>
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

export async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: Tunnel[] = []
  const refused: string[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = createServer((req, res) => {
    refused.push(`${req.method} ${req.url}`)
    res.writeHead(405).end()
  })
  server.on('connection', track)
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    const match = /^(.+):(\d+)$/.exec(target)
    if (!match || !LOOPBACK.has(match[1])) {
      refused.push(`CONNECT ${target}`)
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    const upstream = connect(Number(match[2]), '127.0.0.1', () => {
      tunnels.push({ target, upstreamPort: upstream.localPort ?? 0 })
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the proxy has no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    tunnels,
    refused,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
