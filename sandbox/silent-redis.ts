// A Redis endpoint that completes the TCP and TLS handshakes and then never answers: the stand-in for a cache
// whose Redis stops responding after the handshake (a fault, like the HTTP 'delay' fault, not an Azure behaviour).
import { createServer } from 'node:tls'
import type { TLSSocket } from 'node:tls'
import type { AddressInfo } from 'node:net'
import type { TestPki } from './tls.ts'

export interface SilentRedis {
  host: string
  port: number
  /** TLS connections accepted so far (each one got no answer). */
  readonly accepted: number
  stop(): Promise<void>
}

export async function startSilentRedis(pki: TestPki): Promise<SilentRedis> {
  const sockets = new Set<TLSSocket>()
  let accepted = 0
  const server = createServer({ key: pki.key, cert: pki.cert }, socket => {
    accepted++
    sockets.add(socket)
    // Reads whatever the client sends (HELLO, AUTH, …) and answers nothing.
    socket.on('data', () => undefined)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, 'localhost', resolve))
  return {
    host: 'localhost',
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted
    },
    stop: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
