// The cache's data plane: a real redis-server with TLS, where each access policy assignment is an ACL user
// named by the principal's object id whose passwords are that principal's Entra tokens — the behaviour of
// Azure Cache for Redis with Entra authentication (username = object id, password = token). An OSS-clustered
// Managed Redis database is served by a real Redis Cluster (redis-cluster.ts), started on first use; it gets the
// same ACL users on every node.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { setUserCommand } from './redis-acl.ts'
import { startRedisCluster } from './redis-cluster.ts'
import type { RedisCluster } from './redis-cluster.ts'
import { connectAdmin, redisServerExecutable, startRedisServer } from './redis-server.ts'
import type { AdminConnection } from './redis-server.ts'
import type { TestPki } from './tls.ts'

export interface ClusterEndpoint {
  /** where clients start (the cache's host name and the first node's TLS port) */
  host: string
  port: number
  /** every primary, as it announces itself */
  nodes: { host: string; port: number }[]
}

export interface DataPlane {
  host: string
  port: number
  /** Creates or replaces the ACL user of an assignment; `undefined` permissions remove the user. */
  setUser(objectId: string, permissions: string | undefined): Promise<void>
  /** Registers an Entra token of the principal; it becomes a password of its user until it expires. */
  addToken(objectId: string, token: string, expiresAt: number): Promise<void>
  /** The OSS cluster (started on the first call, then the same one), with every ACL user on every node. */
  ossCluster(): Promise<ClusterEndpoint>
  /** The OSS cluster if it has started. */
  ossClusterStarted(): ClusterEndpoint | undefined
  stop(): Promise<void>
}

// setTimeout's limit; tokens living longer are simply never expired by a timer.
const MAX_TIMER_MS = 2 ** 31 - 1

export async function startDataPlane(o: { dir: string; pki: TestPki }): Promise<DataPlane> {
  redisServerExecutable()
  const adminPassword = randomBytes(24).toString('hex')

  const server = await startRedisServer({ dir: join(o.dir, 'redis'), tls: o.pki, adminPassword })
  let admin: AdminConnection
  try {
    admin = await connectAdmin({
      host: '127.0.0.1',
      servername: 'localhost',
      port: server.port,
      ca: o.pki.caCert,
      adminPassword
    })
  } catch (err) {
    await server.stop()
    throw err
  }

  /** every node that holds the ACL users: the redis-server, then the cluster's nodes once it runs */
  const admins: AdminConnection[] = [admin]
  const tokens = new Map<string, Map<string, { expiresAt: number; timer?: NodeJS.Timeout }>>()
  /** object id → the permissions of its user */
  const users = new Map<string, string>()
  const toAll = async (command: string[]): Promise<void> => {
    await Promise.all(admins.map(a => a.sendCommand(command)))
  }
  const validTokens = (objectId: string): string[] => {
    const now = Date.now()
    return [...(tokens.get(objectId) ?? [])].filter(([, t]) => t.expiresAt > now).map(([token]) => token)
  }

  const forgetToken = (objectId: string, token: string): void => {
    tokens.get(objectId)?.delete(token)
    if (users.has(objectId)) toAll(['ACL', 'SETUSER', objectId, `<${token}`]).catch(() => {})
  }

  let cluster: Promise<RedisCluster> | undefined
  let clusterStarted: ClusterEndpoint | undefined
  const startCluster = async (): Promise<RedisCluster> => {
    const started = await startRedisCluster({ dir: join(o.dir, 'cluster'), pki: o.pki })
    // Joined first, then given the users as they are now: a write from now on reaches the nodes after this
    // copy on the same connections, so they end up as the other nodes are.
    admins.push(...started.admins)
    await Promise.all(
      [...users].flatMap(([objectId, permissions]) =>
        started.admins.map(a => a.sendCommand(setUserCommand(objectId, validTokens(objectId), permissions)))
      )
    )
    clusterStarted = { host: started.host, port: started.port, nodes: started.nodes }
    return started
  }

  let stopped: Promise<void> | undefined
  return {
    host: 'localhost',
    port: server.port,
    async setUser(objectId, permissions) {
      if (permissions === undefined) {
        users.delete(objectId)
        await toAll(['ACL', 'DELUSER', objectId])
        return
      }
      users.set(objectId, permissions)
      await toAll(setUserCommand(objectId, validTokens(objectId), permissions))
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
      if (users.has(objectId)) await toAll(['ACL', 'SETUSER', objectId, `>${token}`])
    },
    async ossCluster() {
      if (stopped) throw new Error('the data plane is stopped')
      cluster ??= startCluster()
      await cluster
      if (!clusterStarted) throw new Error('the Redis cluster did not start')
      return clusterStarted
    },
    ossClusterStarted: () => clusterStarted,
    stop() {
      stopped ??= (async () => {
        for (const own of tokens.values()) for (const { timer } of own.values()) clearTimeout(timer)
        tokens.clear()
        admin.destroy()
        const running = cluster
        cluster = undefined
        await Promise.all([server.stop(), running?.then(c => c.stop()).catch(() => undefined)])
      })()
      return stopped
    }
  }
}
