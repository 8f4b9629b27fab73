import { decodeJwtClaims } from '../credential/github-oidc.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

const TITLE = 'Data plane: the workflow identity can use Redis'
const PREFIX = 'connect-redis-probe:'

/** Tells apart why the data plane refused us, and says what to do. */
export function explainProbeFailure(message: string, who: string): { evidence: string; fix: string } {
  if (/WRONGPASS/i.test(message)) {
    return {
      evidence: `AUTH as ${who} failed: ${message}`,
      fix: `WRONGPASS means the cache does not accept the token of the workflow identity (the probe signs in as the workflow, not as the app): give object id ${who} an access policy assignment on the cache (portal: the cache > Data Access Configuration > Add > New Redis User, policy Data Contributor), or set probe-redis to false. Microsoft Entra authentication must be on and the username must be the object id.`
    }
  }
  if (/NOPERM/i.test(message)) {
    return {
      evidence: `signed in as ${who}, but: ${message}`,
      fix: `NOPERM means the workflow identity's access policy does not allow SET/GET/DEL on keys ${PREFIX}*: assign it Data Contributor, or a custom policy that allows them.`
    }
  }
  return {
    evidence: `could not reach the cache: ${message}`,
    fix: 'A TLS or network failure: if the cache is behind a private endpoint or a firewall, the runner cannot reach it; use a self-hosted runner in the virtual network or turn probe-redis off and rely on health-url.'
  }
}

/** Connects from the runner with the workflow identity's Entra token and does SET/GET/DEL on a temporary key. */
export async function probeRedis(ctx: RunContext, host: string, port: number): Promise<CheckRecord> {
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
      fix: 'The workflow identity signed in to Azure but could not get a token for Azure Cache for Redis; check that the tenant allows it, or turn probe-redis off.'
    }
  }
  core.setSecret(token.token)
  const username = (decodeJwtClaims(token.token) as { oid?: string }).oid ?? ''
  // Loaded only when probing, to keep start-up cheap for every other run.
  const { createClient } = await import('redis')
  const client = createClient({
    socket: { host, port, tls: true, servername: host, connectTimeout: 10_000, reconnectStrategy: false },
    username,
    password: token.token
  })
  client.on('error', () => undefined)
  const key = `${PREFIX}${randomBytes(8).toString('hex')}`
  const started = Date.now()
  try {
    await client.connect()
    const value = randomBytes(8).toString('hex')
    await client.set(key, value, { EX: 60 })
    const read = await client.get(key)
    await client.del(key)
    if (read !== value) throw new Error(`GET returned ${JSON.stringify(read)} instead of the value just SET`)
    return {
      id: 'probe-redis',
      title: TITLE,
      status: 'passed',
      evidence: `TLS to ${host}:${port}, AUTH as object id ${username}, SET/GET/DEL of a temporary key (TTL 60 s) in ${Date.now() - started} ms`
    }
  } catch (error) {
    const { evidence, fix } = explainProbeFailure(firstLine(error), username)
    return { id: 'probe-redis', title: TITLE, status: 'failed', evidence, fix }
  } finally {
    try {
      await client.close()
    } catch {
      try {
        client.destroy()
      } catch {
        // already closed
      }
    }
  }
}

function firstLine(error: unknown): string {
  const e = error as { message?: string; code?: string }
  const message = (e?.message || e?.code || String(error)).split('\n')[0]
  return message.length > 500 ? `${message.slice(0, 500)}…` : message
}
