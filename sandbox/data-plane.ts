// The cache's data plane: a real redis-server with TLS, where each access policy assignment is an ACL user
// named by the principal's object id whose passwords are that principal's Entra tokens — the behaviour of
// Azure Cache for Redis with Entra authentication (username = object id, password = token).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createClient } from 'redis'
import { findExecutable } from './find-executable.ts'
import { freePort } from './free-port.ts'
import { setUserCommand } from './redis-acl.ts'
import type { TestPki } from './tls.ts'

export interface DataPlane {
  host: string
  port: number
  /** Creates or replaces the ACL user of an assignment; `undefined` permissions remove the user. */
  setUser(objectId: string, permissions: string | undefined): Promise<void>
  /** Registers an Entra token of the principal; it becomes a password of its user until it expires. */
  addToken(objectId: string, token: string, expiresAt: number): Promise<void>
  stop(): Promise<void>
}

const ADMIN_USER = 'sandbox-admin'
const READY_LINE = 'Ready to accept connections'
const START_TIMEOUT_MS = 10_000
// setTimeout's limit; tokens living longer are simply never expired by a timer.
const MAX_TIMER_MS = 2 ** 31 - 1

export async function startDataPlane(o: { dir: string; pki: TestPki }): Promise<DataPlane> {
  const redisServer = findExecutable('redis-server')
  if (!redisServer) throw new Error('the sandbox needs redis-server: apt-get install redis-server')
  const dir = join(o.dir, 'redis')
  await mkdir(dir, { recursive: true })
  const adminPassword = randomBytes(24).toString('hex')

  const server = await startRedisServer(redisServer, dir, o.pki, adminPassword)
  const admin = createClient({
    socket: { host: '127.0.0.1', servername: 'localhost', port: server.port, tls: true, ca: o.pki.caCert },
    username: ADMIN_USER,
    password: adminPassword,
    disableClientInfo: true,
    maintNotifications: 'disabled'
  })
  admin.on('error', () => {
    // reconnects on its own; a real failure surfaces on the next command
  })
  try {
    await admin.connect()
  } catch (err) {
    await server.stop()
    throw err
  }

  const tokens = new Map<string, Map<string, { expiresAt: number; timer?: NodeJS.Timeout }>>()
  const users = new Set<string>()
  const acl = async (...args: string[]): Promise<void> => {
    await admin.sendCommand(['ACL', ...args])
  }

  const forgetToken = (objectId: string, token: string): void => {
    tokens.get(objectId)?.delete(token)
    if (users.has(objectId)) acl('SETUSER', objectId, `<${token}`).catch(() => {})
  }

  let stopped: Promise<void> | undefined
  return {
    host: 'localhost',
    port: server.port,
    async setUser(objectId, permissions) {
      if (permissions === undefined) {
        users.delete(objectId)
        await acl('DELUSER', objectId)
        return
      }
      const now = Date.now()
      const valid = [...(tokens.get(objectId) ?? [])]
        .filter(([, t]) => t.expiresAt > now)
        .map(([token]) => token)
      await admin.sendCommand(setUserCommand(objectId, valid, permissions))
      users.add(objectId)
    },
    async addToken(objectId, token, expiresAt) {
      const ttl = expiresAt - Date.now()
      if (ttl <= 0) return
      let own = tokens.get(objectId)
      if (!own) tokens.set(objectId, (own = new Map()))
      if (own.has(token)) return
      const timer = ttl < MAX_TIMER_MS ? setTimeout(() => forgetToken(objectId, token), ttl) : undefined
      timer?.unref()
      own.set(token, { expiresAt, timer })
      if (users.has(objectId)) await acl('SETUSER', objectId, `>${token}`)
    },
    stop() {
      stopped ??= (async () => {
        for (const own of tokens.values()) for (const { timer } of own.values()) clearTimeout(timer)
        tokens.clear()
        admin.destroy()
        await server.stop()
      })()
      return stopped
    }
  }
}

interface RedisServer {
  port: number
  stop(): Promise<void>
}

/** Starts redis-server on a free TLS port, retrying when another process takes the port first. */
async function startRedisServer(
  executable: string,
  dir: string,
  pki: TestPki,
  adminPassword: string
): Promise<RedisServer> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const confPath = join(dir, 'redis.conf')
    await writeFile(confPath, redisConf(port, dir, pki, adminPassword), { mode: 0o600 })
    try {
      return await spawnRedis(executable, confPath, port)
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err
    }
  }
}

// A config file rather than command-line flags keeps the admin password out of `ps` output.
function redisConf(port: number, dir: string, pki: TestPki, adminPassword: string): string {
  // Values are quoted because paths may hold spaces; the config parser handles "…" like a shell.
  const q = (s: string): string => JSON.stringify(s)
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${q(pki.certPath)}`,
    `tls-key-file ${q(pki.keyPath)}`,
    `tls-ca-cert-file ${q(pki.caCertPath)}`,
    'tls-auth-clients no',
    // "-" makes ::1 optional: machines without IPv6 still start.
    'bind 127.0.0.1 -::1',
    'save ""',
    'appendonly no',
    `dir ${q(dir)}`,
    'daemonize no',
    'logfile ""',
    'user default off resetpass',
    `user ${ADMIN_USER} on >${adminPassword} ~* &* +@all`,
    ''
  ].join('\n')
}

function spawnRedis(executable: string, confPath: string, port: number): Promise<RedisServer> {
  // setpriv --pdeathsig kills redis-server even when the parent dies without running its exit handlers
  // (SIGKILL, a crashed jest worker); the 'exit' hook below covers ordinary exits.
  const setpriv = findExecutable('setpriv')
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', executable, confPath]]
    : [executable, [confPath]]
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const killOnExit = (): void => {
    child.kill('SIGKILL')
  }
  process.on('exit', killOnExit)

  let log = ''
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  exited.then(() => process.off('exit', killOnExit))

  return new Promise<RedisServer>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start: ${why}\n${log.trim().split('\n').slice(-10).join('\n')}`))
    }
    const timer = setTimeout(() => fail(`not ready after ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS)
    const onOutput = (chunk: Buffer): void => {
      // Keep a bounded tail for error messages; the pipes must be drained for redis not to block.
      log = (log + chunk.toString()).slice(-8192)
      if (log.includes(READY_LINE)) {
        clearTimeout(timer)
        resolve({ port, stop: () => stopProcess(child, exited) })
      }
    }
    child.stdout?.on('data', onOutput)
    child.stderr?.on('data', onOutput)
    child.once('error', err => fail(err.message))
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? code}`))
  })
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}
