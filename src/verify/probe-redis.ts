import { decodeJwtClaims } from '../credential/github-oidc.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

const TITLE = 'Data plane: the workflow identity can use Redis'

/** Tells apart why the data plane refused us, and says what to do. */
export function explainProbeFailure(message: string, who: string): { evidence: string; fix: string } {
  if (/WRONGPASS/i.test(message)) {
    return {
      evidence: `AUTH as ${who} failed: ${message}`,
      fix: `WRONGPASS means the cache does not accept this identity's token: give the workflow identity (object id ${who}) an access policy assignment on the cache, check that Microsoft Entra authentication is on, and use the object id (not the client id) as the username.`
    }
  }
  if (/NOPERM/i.test(message)) {
    return {
      evidence: `signed in as ${who}, but: ${message}`,
      fix: "NOPERM means the workflow identity's access policy lacks SET/GET/DEL: assign it Data Contributor or a custom policy that allows them."
    }
  }
  return {
    evidence: `could not reach the cache: ${message}`,
    fix: 'A TLS or network failure: if the cache is behind a private endpoint or a firewall, the runner cannot reach it; use a self-hosted runner in the virtual network or turn probe-redis off and rely on health-url.'
  }
}

/** Connects from the runner with the workflow identity's Entra token and does SET/GET/DEL on a temporary key. */
export async function probeRedis(ctx: RunContext, host: string, port: number): Promise<CheckRecord> {
  const token = await ctx.credential.getToken(ctx.cloud.redisScope, { abortSignal: ctx.deadline.signal })
  if (!token) throw new Error('the credential returned no token for Redis')
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
  const key = `connect-redis-probe:${randomBytes(8).toString('hex')}`
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
    const { evidence, fix } = explainProbeFailure((error as Error).message ?? String(error), username)
    return { id: 'probe-redis', title: TITLE, status: 'failed', evidence, fix }
  } finally {
    await client.close().catch(() => client.destroy())
  }
}
