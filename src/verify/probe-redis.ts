import { decodeJwtClaims } from '../credential/github-oidc.js'
import { DeadlineExceededError } from '../deadline.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

const TITLE = 'Redis accepts a Microsoft Entra sign-in (probe from the runner, as the workflow identity)'
const PREFIX = 'connect-redis-probe:'
const CONNECT_TIMEOUT_MS = 10_000
/** Candidate keys tried to find one that each shard owns (a shard owns a third of the slots, so a few suffice). */
const MAX_KEY_CANDIDATES = 1000

const NOT_THE_APP =
  "The probe signs in as the workflow's identity, not as the app's: the app's own access is checked above."

/** Tells apart why the data plane refused us, and says what to do, without blaming the app. */
export function explainProbeFailure(
  message: string,
  who: string,
  o: { ossCluster?: boolean } = {}
): { evidence: string; fix: string } {
  if (/WRONGPASS/i.test(message)) {
    return {
      evidence: `AUTH as object id ${who} (the workflow identity) was refused: ${message}`,
      fix: `Give the workflow identity (object id ${who}) an access policy assignment on the cache — any policy: \`Data Reader\` is enough, because the probe proves the sign-in with PING and writes only where the policy allows — or set \`probe-redis: false\`. ${NOT_THE_APP}`
    }
  }
  if (/^(MOVED|ASK|CROSSSLOT)\b/i.test(message)) {
    return {
      evidence: `signed in as ${who}, but the cache redirected the command: ${message}`,
      fix: 'The cache is OSS-clustered (Redis Cluster API), although its database did not say so: apps need a cluster-aware client (node-redis createCluster, redis-py RedisCluster; StackExchange.Redis handles it).'
    }
  }
  if (/cluster support disabled/i.test(message)) {
    return {
      evidence: `the database says OSSCluster, but the endpoint is not a Redis Cluster: ${message}`,
      fix: 'Check the clustering policy of the Managed Redis database (its Overview page, or az redisenterprise database show): a single-endpoint cache (EnterpriseCluster, NoCluster) takes any Redis client.'
    }
  }
  if (o.ossCluster) {
    return {
      evidence: `could not reach every shard of the OSS-clustered cache: ${message}`,
      fix: "With the OSS clustering policy a client connects to every shard directly: the runner must reach port 10000 and the shard ports (8500-8599), and check each shard's certificate against the cache's host name (the shards announce IP addresses). If the cache is behind a private endpoint or a firewall, use a self-hosted runner in the virtual network, or set `probe-redis: false` and rely on `health-url`."
    }
  }
  return {
    evidence: `could not reach the cache: ${message}`,
    fix: 'A TLS or network failure: if the cache is behind a private endpoint or a firewall, the runner cannot reach it; use a self-hosted runner in the virtual network or set `probe-redis: false` and rely on `health-url`.'
  }
}

/** What the probe proved, and what it did not check (because the workflow identity's policy does not allow it). */
interface Proof {
  proven: string[]
  notChecked: string[]
}

const isNoPerm = (error: unknown): boolean => /NOPERM/i.test(firstLine(error))

/**
 * Connects from the runner with the workflow identity's Entra token. AUTH proves the cache accepts the token (any
 * access policy allows it); PING proves a command round trip; SET/GET/DEL of a temporary key run only if the
 * identity's policy allows them. An OSS-clustered cache gets a cluster client, signed in on every shard, and a
 * temporary key on each shard. The evidence says which of these were proven.
 */
export async function probeRedis(
  ctx: RunContext,
  host: string,
  port: number,
  o: { ossCluster?: boolean } = {}
): Promise<CheckRecord> {
  let token: { token: string } | null
  try {
    token = await ctx.credential.getToken(ctx.cloud.redisScope, { abortSignal: ctx.deadline.signal })
    if (!token) throw new Error('the credential returned no token')
  } catch (error) {
    return {
      id: 'probe-redis',
      title: TITLE,
      status: 'failed',
      evidence: `could not get a Microsoft Entra token for ${ctx.cloud.redisScope}: ${firstLine(error)}`,
      fix: 'The workflow identity signed in to Azure but could not get a token for Azure Cache for Redis; check that the tenant allows it, or set `probe-redis: false`.'
    }
  }
  core.setSecret(token.token)
  const credentials = {
    username: (decodeJwtClaims(token.token) as { oid?: string }).oid ?? '',
    password: token.token
  }
  const started = Date.now()
  const proof: Proof = { proven: [], notChecked: [] }
  try {
    // node-redis commands take no abort signal: the probe is raced against the deadline, and the client is
    // destroyed when the run stops, so a Redis that completes TLS and never answers cannot hold the run.
    const probe = o.ossCluster
      ? probeCluster(host, port, credentials, proof, ctx.deadline.signal)
      : probeSingleEndpoint(host, port, credentials, proof, ctx.deadline.signal)
    await ctx.deadline.race(probe, `Redis at ${host}:${port} to answer the probe (AUTH, PING, SET/GET/DEL)`)
    return {
      id: 'probe-redis',
      title: TITLE,
      status: 'passed',
      evidence: `proven in ${Date.now() - started} ms: ${proof.proven.join(', ')}${proof.notChecked.length ? `; not checked: ${proof.notChecked.join('; ')}` : ''}`
    }
  } catch (error) {
    if (error instanceof DeadlineExceededError)
      return {
        id: 'probe-redis',
        title: TITLE,
        status: 'failed',
        evidence: `${ctx.deadline.cancelledBy ? `the runner cancelled the run (${ctx.deadline.cancelledBy})` : 'timeout-minutes ran out'} while waiting for ${error.waitingFor}: it accepted the connection and did not answer in ${Date.now() - started} ms`,
        fix: 'Redis accepted the connection but did not answer: check the cache is running (its Overview page, Resource health) and that nothing between the runner and the cache holds the connection open; or turn probe-redis off and rely on health-url.'
      }
    const { evidence, fix } = explainProbeFailure(firstLine(error), credentials.username, o)
    return { id: 'probe-redis', title: TITLE, status: 'failed', evidence, fix }
  }
}

/** PING, then the SET/GET/DEL round trips; what the identity's policy refuses (NOPERM) is noted as not checked. */
async function pingAndWrite(
  ping: () => Promise<unknown>,
  write: () => Promise<void>,
  what: string,
  proof: Proof
): Promise<void> {
  try {
    const pong = await ping()
    if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`)
    proof.proven.push('PING')
  } catch (error) {
    if (!isNoPerm(error)) throw error
    proof.notChecked.push(`PING (its access policy does not allow it: ${firstLine(error)})`)
  }
  try {
    await write()
    proof.proven.push(what)
  } catch (error) {
    if (!isNoPerm(error)) throw error
    proof.notChecked.push(
      `SET/GET/DEL (the workflow identity's access policy does not allow them, which is fine for this probe: ${firstLine(error)})`
    )
  }
}

interface Credentials {
  username: string
  password: string
}

/** One client, one endpoint: Azure Cache for Redis, and Managed Redis with EnterpriseCluster or NoCluster. */
async function probeSingleEndpoint(
  host: string,
  port: number,
  credentials: Credentials,
  proof: Proof,
  stop: AbortSignal
): Promise<void> {
  // Loaded only when probing, to keep start-up cheap for every other run.
  const { createClient } = await import('./redis-client.js')
  const client = createClient({
    socket: {
      host,
      port,
      tls: true,
      servername: host,
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: false
    },
    ...credentials
  })
  client.on('error', () => undefined)
  const destroy = () => client.destroy()
  stop.addEventListener('abort', destroy, { once: true })
  try {
    await client.connect()
    proof.proven.push(
      `TLS to ${host}:${port}`,
      `AUTH as object id ${credentials.username} (the workflow identity)`
    )
    await pingAndWrite(
      () => client.ping(),
      () => roundTrip(client, `${PREFIX}${randomBytes(8).toString('hex')}`),
      'SET/GET/DEL of a temporary key (TTL 60 s)',
      proof
    )
  } finally {
    stop.removeEventListener('abort', destroy)
    await closeQuietly(client, stop)
  }
}

/**
 * Managed Redis with OSSCluster: a cluster client (as the app needs) that discovers the shards, signs in on each,
 * and checks every shard's certificate against the cache's host name, since the shards announce IP addresses.
 */
async function probeCluster(
  host: string,
  port: number,
  credentials: Credentials,
  proof: Proof,
  stop: AbortSignal
): Promise<void> {
  const { createCluster } = await import('./redis-client.js')
  const cluster = createCluster({
    rootNodes: [{ socket: { host, port } }],
    defaults: {
      ...credentials,
      socket: { tls: true, servername: host, connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false }
    }
  })
  // The cluster reports a shard it could not reach only as "unavailable": the shard's own error says why.
  const nodeErrors: string[] = []
  cluster.on('error', () => undefined)
  cluster.on('node-error', (error: unknown, node?: { host?: string; port?: number }) => {
    nodeErrors.push(`${node?.host}:${node?.port}: ${firstLine(error)}`)
  })
  const destroy = () => cluster.destroy()
  stop.addEventListener('abort', destroy, { once: true })
  try {
    try {
      await cluster.connect()
    } catch (error) {
      throw new Error(nodeErrors.length ? `${firstLine(error)} (${nodeErrors[0]})` : firstLine(error))
    }
    const shards = cluster.masters.map(m => `${m.host}:${m.port}`)
    proof.proven.push(
      `OSS cluster client (clusteringPolicy OSSCluster) from ${host}:${port}: ${shards.length} primary shard${shards.length === 1 ? '' : 's'} (${shards.join(', ')}), TLS to each checked against ${host}`,
      `AUTH as object id ${credentials.username} (the workflow identity) on every shard`
    )
    // A key on every shard proves each one takes the token, not just the one the first key lands on.
    const owners = new Map<unknown, string>()
    const clients: { ping(): Promise<unknown> }[] = []
    for (const master of cluster.masters) {
      const client = await cluster.nodeClient(master)
      clients.push(client)
      owners.set(client, master.address)
    }
    const keys = new Map<string, string>()
    for (let i = 0; i < MAX_KEY_CANDIDATES && keys.size < owners.size; i++) {
      const key = `${PREFIX}${randomBytes(8).toString('hex')}`
      const owner = owners.get(await cluster.getNodeClientForKey(key))
      if (owner && !keys.has(owner)) keys.set(owner, key)
    }
    await pingAndWrite(
      async () => {
        for (const client of clients) {
          const pong = await client.ping()
          if (pong !== 'PONG') return pong
        }
        return 'PONG'
      },
      async () => {
        for (const key of keys.values()) await roundTrip(cluster, key)
      },
      'SET/GET/DEL of a temporary key (TTL 60 s) on every shard',
      proof
    )
  } finally {
    stop.removeEventListener('abort', destroy)
    await closeQuietly(cluster, stop)
  }
}

/** What the probe needs of a node-redis client or cluster client. */
interface KeyCommands {
  set(key: string, value: string, options: { EX: number }): Promise<unknown>
  get(key: string): Promise<unknown>
  del(key: string): Promise<unknown>
}

async function roundTrip(redis: KeyCommands, key: string): Promise<void> {
  const value = randomBytes(8).toString('hex')
  await redis.set(key, value, { EX: 60 })
  const read = await redis.get(key)
  await redis.del(key)
  if (read !== value) throw new Error(`GET returned ${JSON.stringify(read)} instead of the value just SET`)
}

/** A graceful close waits for replies, so a stopped run (or a silent server) gets a destroy instead. */
async function closeQuietly(
  redis: { close(): Promise<unknown>; destroy(): unknown },
  stop: AbortSignal
): Promise<void> {
  try {
    if (stop.aborted) redis.destroy()
    else await redis.close()
  } catch {
    try {
      redis.destroy()
    } catch {
      // already closed
    }
  }
}

function firstLine(error: unknown): string {
  const e = error as { message?: string; code?: string }
  const message = (e?.message || e?.code || String(error)).split('\n')[0]
  return message.length > 500 ? `${message.slice(0, 500)}…` : message
}
