// One redis-server process with TLS only and an admin ACL user: started on a free port, stopped with the sandbox
// (or killed with the test process). The data plane runs one; the OSS cluster runs one per shard.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createClient } from 'redis'
import { findExecutable } from './find-executable.ts'
import { freePort } from './free-port.ts'

export const ADMIN_USER = 'sandbox-admin'
const READY_LINE = 'Ready to accept connections'
const START_TIMEOUT_MS = 10_000

export interface RedisServer {
  port: number
  stop(): Promise<void>
}

export interface RedisServerOptions {
  dir: string
  tls: { certPath: string; keyPath: string; caCertPath: string }
  adminPassword: string
  /** more redis.conf lines for this port (cluster settings); may pick more free ports */
  extraConfig?(port: number): Promise<string[]>
}

/** What the sandbox needs of an admin connection: raw commands (ACL, CLUSTER), and to be dropped. */
export interface AdminConnection {
  sendCommand(args: string[]): Promise<unknown>
  destroy(): void
}

/** Connects as the admin user to a node (by address, its certificate checked against `servername`). */
export async function connectAdmin(o: {
  host: string
  servername: string
  port: number
  ca: string
  adminPassword: string
}): Promise<AdminConnection> {
  const admin = createClient({
    socket: { host: o.host, servername: o.servername, port: o.port, tls: true, ca: o.ca },
    username: ADMIN_USER,
    password: o.adminPassword,
    disableClientInfo: true,
    maintNotifications: 'disabled'
  })
  admin.on('error', () => {
    // reconnects on its own; a real failure surfaces on the next command
  })
  await admin.connect()
  return admin
}

export function redisServerExecutable(): string {
  const redisServer = findExecutable('redis-server')
  if (!redisServer) throw new Error('the sandbox needs redis-server: apt-get install redis-server')
  return redisServer
}

/** Starts redis-server on a free TLS port, retrying when another process takes the port first. */
export async function startRedisServer(o: RedisServerOptions): Promise<RedisServer> {
  const executable = redisServerExecutable()
  await mkdir(o.dir, { recursive: true })
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const confPath = join(o.dir, 'redis.conf')
    const extra = (await o.extraConfig?.(port)) ?? []
    await writeFile(confPath, redisConf(port, o, extra), { mode: 0o600 })
    try {
      return await spawnRedis(executable, confPath, port)
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err
    }
  }
}

// A config file rather than command-line flags keeps the admin password out of `ps` output.
function redisConf(port: number, o: RedisServerOptions, extra: string[]): string {
  // Values are quoted because paths may hold spaces; the config parser handles "…" like a shell.
  const q = (s: string): string => JSON.stringify(s)
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${q(o.tls.certPath)}`,
    `tls-key-file ${q(o.tls.keyPath)}`,
    `tls-ca-cert-file ${q(o.tls.caCertPath)}`,
    'tls-auth-clients no',
    // "-" makes ::1 optional: machines without IPv6 still start.
    'bind 127.0.0.1 -::1',
    'save ""',
    'appendonly no',
    `dir ${q(o.dir)}`,
    'daemonize no',
    'logfile ""',
    'user default off resetpass',
    `user ${ADMIN_USER} on >${o.adminPassword} ~* &* +@all`,
    ...extra,
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
