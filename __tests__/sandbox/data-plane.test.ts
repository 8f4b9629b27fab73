import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { startDataPlane } from '../../sandbox/data-plane.ts'
import type { DataPlane } from '../../sandbox/data-plane.ts'
import { aclRules, setUserCommand } from '../../sandbox/redis-acl.ts'
import { createTestPki } from '../../sandbox/tls.ts'
import type { TestPki } from '../../sandbox/tls.ts'

const DATA_OWNER = '+@all allkeys'
const DATA_CONTRIBUTOR = '+@all -@dangerous allkeys'
const DATA_READER = '+@read +@connection allkeys'
const HOUR = 3600_000

describe('redis ACL rules of access policies', () => {
  it('spells Azure aliases the Redis way and keeps every other rule', () => {
    expect(aclRules(DATA_CONTRIBUTOR)).toEqual(['+@all', '-@dangerous', '~*'])
    expect(aclRules('  +get   +set ~app:* ')).toEqual(['+get', '+set', '~app:*'])
    expect(aclRules('+@all allkeys allchannels')).toEqual(['+@all', '~*', '&*'])
  })

  it('makes the user exactly the assignment, with the tokens as passwords', () => {
    expect(setUserCommand('oid-1', ['t1', 't2'], DATA_READER)).toEqual([
      'ACL',
      'SETUSER',
      'oid-1',
      'reset',
      'on',
      '>t1',
      '>t2',
      '+@read',
      '+@connection',
      '~*'
    ])
  })
})

describe('data plane (real redis-server)', () => {
  let dir: string
  let pki: TestPki
  let plane: DataPlane
  const clients: { destroy(): void }[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'data-plane-'))
    pki = await createTestPki(join(dir, 'pki'))
    plane = await startDataPlane({ dir, pki })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await plane?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  /** Connects the way the docs tell an app to: TLS, username = object id, password = Entra token. */
  async function connect(username: string | undefined, password: string | undefined) {
    const client = createClient({
      socket: { host: plane.host, port: plane.port, tls: true, ca: pki.caCert, reconnectStrategy: false },
      username,
      password
    })
    client.on('error', () => {})
    clients.push(client)
    await client.connect()
    return client
  }

  async function principal(permissions: string) {
    const oid = randomUUID()
    const token = `token-${randomUUID()}`
    await plane.addToken(oid, token, Date.now() + HOUR)
    await plane.setUser(oid, permissions)
    return { oid, token }
  }

  it('serves TLS on localhost', () => {
    expect(plane.host).toBe('localhost')
    expect(plane.port).toBeGreaterThan(0)
  })

  it('authenticates the object id with its token (Data Owner can SET/GET/DEL)', async () => {
    const { oid, token } = await principal(DATA_OWNER)
    const client = await connect(oid, token)
    expect(await client.set('k1', 'v1', { EX: 30 })).toBe('OK')
    expect(await client.get('k1')).toBe('v1')
    expect(await client.del('k1')).toBe(1)
    expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe(oid)
  })

  it('rejects a client id used as the username with WRONGPASS', async () => {
    const { token } = await principal(DATA_OWNER)
    const clientId = randomUUID()
    await expect(connect(clientId, token)).rejects.toThrow(/WRONGPASS/)
  })

  it('rejects a wrong token and an anonymous connection', async () => {
    const { oid } = await principal(DATA_OWNER)
    await expect(connect(oid, 'not-the-token')).rejects.toThrow(/WRONGPASS/)
    // the default user is off: node-redis's HELLO without AUTH is refused
    await expect(connect(undefined, undefined)).rejects.toThrow(/NOAUTH/)
  })

  it('lets a Data Reader connect, PING and GET, but answers SET with NOPERM', async () => {
    const { oid, token } = await principal(DATA_READER)
    const client = await connect(oid, token)
    expect(await client.ping()).toBe('PONG')
    expect(await client.get('absent')).toBeNull()
    await expect(client.set('k2', 'v')).rejects.toThrow(/NOPERM/)
  })

  it('lets a Data Contributor write but not run dangerous commands', async () => {
    const { oid, token } = await principal(DATA_CONTRIBUTOR)
    const client = await connect(oid, token)
    expect(await client.set('k3', 'v', { EX: 30 })).toBe('OK')
    await expect(client.flushAll()).rejects.toThrow(/NOPERM/)
  })

  it('applies custom policies with key patterns, and the handshake still succeeds', async () => {
    const { oid, token } = await principal('+get +set ~app:*')
    const client = await connect(oid, token)
    expect(await client.set('app:1', 'v')).toBe('OK')
    await expect(client.set('other:1', 'v')).rejects.toThrow(/NOPERM/)
    await expect(client.del('app:1')).rejects.toThrow(/NOPERM/)
  })

  it('removes the user when the assignment goes away (WRONGPASS), and drops its connections', async () => {
    const { oid, token } = await principal(DATA_OWNER)
    const open = await connect(oid, token)
    await plane.setUser(oid, undefined)
    await expect(connect(oid, token)).rejects.toThrow(/WRONGPASS/)
    await expect(open.ping()).rejects.toThrow()
  })

  it('accepts a token issued before the assignment once the assignment exists', async () => {
    const oid = randomUUID()
    const early = `early-${randomUUID()}`
    await plane.addToken(oid, early, Date.now() + HOUR)
    await expect(connect(oid, early)).rejects.toThrow(/WRONGPASS/)
    await plane.setUser(oid, DATA_OWNER)
    const client = await connect(oid, early)
    expect(await client.ping()).toBe('PONG')
  })

  it('accepts a token issued after the assignment, and every earlier token too', async () => {
    const { oid, token } = await principal(DATA_OWNER)
    const later = `later-${randomUUID()}`
    await plane.addToken(oid, later, Date.now() + HOUR)
    expect(await (await connect(oid, later)).ping()).toBe('PONG')
    expect(await (await connect(oid, token)).ping()).toBe('PONG')
  })

  it('changing the policy keeps the tokens', async () => {
    const { oid, token } = await principal(DATA_OWNER)
    await plane.setUser(oid, DATA_READER)
    const client = await connect(oid, token)
    await expect(client.set('k4', 'v')).rejects.toThrow(/NOPERM/)
  })

  it('stops accepting a token when it expires, and ignores tokens already expired', async () => {
    const { oid } = await principal(DATA_OWNER)
    const shortLived = `short-${randomUUID()}`
    // Long enough to sign in with on a loaded machine; the test then waits until it has expired, whatever the load.
    const expiresAt = Date.now() + 3000
    await plane.addToken(oid, shortLived, expiresAt)
    expect(await (await connect(oid, shortLived)).ping()).toBe('PONG')
    while (Date.now() <= expiresAt + 200) await new Promise(resolve => setTimeout(resolve, 100))
    await expect(connect(oid, shortLived)).rejects.toThrow(/WRONGPASS/)
    const stale = `stale-${randomUUID()}`
    await plane.addToken(oid, stale, Date.now() - 1)
    await expect(connect(oid, stale)).rejects.toThrow(/WRONGPASS/)
  })
})
