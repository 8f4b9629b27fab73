// The data plane of an OSS-clustered Azure Managed Redis database: a real Redis Cluster of three primaries
// (`cluster-enabled yes`), TLS on every node and on the cluster bus, the 16384 slots split between them. As in
// Azure, the nodes announce an IP address (127.0.0.1) while their certificate names only the host (localhost), so a
// client must be cluster-aware (a plain one gets MOVED for keys of the other shards) and must check every shard's
// certificate against the cache's host name (TLS servername), not the announced IP.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { connectAdmin, startRedisServer } from './redis-server.ts'
import type { AdminConnection, RedisServer } from './redis-server.ts'
import { issueServerCertificate } from './tls.ts'
import type { TestPki } from './tls.ts'

/** the number of primaries (shards) */
export const CLUSTER_SHARDS = 3
const SLOTS = 16384
/** what every node announces in CLUSTER SLOTS / MOVED, and what the certificate does not name */
export const ANNOUNCED_IP = '127.0.0.1'
/** the name the certificate of every node is issued for */
export const CLUSTER_HOST = 'localhost'
const FORM_TIMEOUT_MS = 15_000

export interface RedisCluster {
  /** where a client starts: the first node, by host name */
  host: string
  port: number
  /** every primary, as the cluster announces it */
  nodes: { host: string; port: number }[]
  /** an admin connection to each node (ACL users are per node in Redis Cluster) */
  admins: AdminConnection[]
  stop(): Promise<void>
}

export async function startRedisCluster(o: { dir: string; pki: TestPki }): Promise<RedisCluster> {
  const certificate = await issueServerCertificate(o.pki, join(o.dir, 'pki'), 'node', `DNS:${CLUSTER_HOST}`)
  const tls = { certPath: certificate.certPath, keyPath: certificate.keyPath, caCertPath: o.pki.caCertPath }
  const adminPassword = randomBytes(24).toString('hex')
  const busPorts = new Map<number, number>()
  const servers: RedisServer[] = []
  const admins: AdminConnection[] = []
  const stop = async (): Promise<void> => {
    for (const admin of admins.splice(0)) admin.destroy()
    await Promise.all(servers.splice(0).map(server => server.stop()))
  }
  try {
    const started = await Promise.allSettled(
      Array.from({ length: CLUSTER_SHARDS }, (_, i) =>
        startRedisServer({
          dir: join(o.dir, `node${i}`),
          tls,
          adminPassword,
          // The bus port is chosen too: the default (port + 10000) can be past 65535 for an ephemeral port.
          extraConfig: async port => {
            const busPort = await freePort()
            busPorts.set(port, busPort)
            return [
              'cluster-enabled yes',
              'cluster-config-file nodes.conf',
              `cluster-port ${busPort}`,
              'tls-cluster yes',
              `cluster-announce-ip ${ANNOUNCED_IP}`,
              // A master turns ok this long after it last saw itself in a minority (while the nodes meet), so
              // it bounds the start-up; shorter would risk a starved node being marked failing mid-test.
              'cluster-node-timeout 2000'
            ]
          }
        })
      )
    )
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value)
    const failed = started.find(result => result.status === 'rejected')
    if (failed) throw failed.reason
    admins.push(
      ...(await Promise.all(
        servers.map(server =>
          connectAdmin({
            host: ANNOUNCED_IP,
            servername: CLUSTER_HOST,
            port: server.port,
            ca: o.pki.caCert,
            adminPassword
          })
        )
      ))
    )
    await formCluster(admins, servers, busPorts)
  } catch (err) {
    await stop()
    throw err
  }
  return {
    host: CLUSTER_HOST,
    port: servers[0].port,
    nodes: servers.map(server => ({ host: ANNOUNCED_IP, port: server.port })),
    admins,
    stop
  }
}

/** Gives each node a contiguous third of the slots, introduces them, and waits until every node says ok. */
async function formCluster(
  admins: AdminConnection[],
  servers: RedisServer[],
  busPorts: Map<number, number>
): Promise<void> {
  const share = Math.ceil(SLOTS / admins.length)
  await Promise.all(
    admins.map((admin, i) =>
      admin.sendCommand([
        'CLUSTER',
        'ADDSLOTSRANGE',
        String(i * share),
        String(Math.min(SLOTS, (i + 1) * share) - 1)
      ])
    )
  )
  for (const server of servers.slice(1)) {
    await admins[0].sendCommand([
      'CLUSTER',
      'MEET',
      ANNOUNCED_IP,
      String(server.port),
      String(busPorts.get(server.port))
    ])
  }
  const deadline = Date.now() + FORM_TIMEOUT_MS
  for (;;) {
    const infos = await Promise.all(admins.map(admin => admin.sendCommand(['CLUSTER', 'INFO'])))
    const formed = infos.every(
      info =>
        String(info).includes('cluster_state:ok') &&
        String(info).includes(`cluster_known_nodes:${admins.length}`)
    )
    if (formed) return
    if (Date.now() > deadline)
      throw new Error(`the Redis cluster did not form within ${FORM_TIMEOUT_MS} ms: ${String(infos[0])}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
