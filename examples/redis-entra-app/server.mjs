// A container app that reaches Azure Cache for Redis (or Azure Managed Redis) with its own managed identity.
// It reads the variables the action sets (REDIS_HOST, REDIS_PORT, and AZURE_CLIENT_ID for a user-assigned
// identity), signs in to Redis with Microsoft Entra tokens through @redis/entraid (username = the identity's object
// id, tokens renewed before they expire), and answers GET /healthz with 200 only when a SET and a GET just worked.
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { DefaultAzureCredential } from '@azure/identity'
import { EntraIdCredentialsProviderFactory, REDIS_SCOPE_DEFAULT } from '@redis/entraid'
import { createClient } from 'redis'

const port = Number(process.env.PORT ?? 8080)
// In Container Apps this is the app's managed identity: the system-assigned one, or the user-assigned one whose
// client id is in AZURE_CLIENT_ID.
const credential = new DefaultAzureCredential()

/** The object id Redis knows this app by: the `oid` of its Entra token (what the access policy assignment names). */
async function objectId() {
  const token = await credential.getToken(REDIS_SCOPE_DEFAULT)
  const claims = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString('utf8'))
  return claims.oid
}

let connecting

/** One connection for the process, opened on first use and opened again after a failure. */
function redis() {
  const host = process.env.REDIS_HOST
  if (!host) return Promise.reject(new Error('REDIS_HOST is not set'))
  connecting ??= (async () => {
    const client = createClient({
      socket: {
        host,
        port: Number(process.env.REDIS_PORT ?? 6380),
        tls: true,
        connectTimeout: 5000,
        // Fail the health check instead of retrying forever; the next check connects again.
        reconnectStrategy: false
      },
      credentialsProvider: EntraIdCredentialsProviderFactory.createForDefaultAzureCredential({
        credential,
        scopes: REDIS_SCOPE_DEFAULT,
        options: {},
        tokenManagerConfig: { expirationRefreshRatio: 0.8 }
      })
    })
    client.on('error', error => console.error(`redis: ${error.message}`))
    client.on('end', () => {
      connecting = undefined
    })
    await client.connect()
    return client
  })().catch(error => {
    connecting = undefined
    throw error
  })
  return connecting
}

async function health() {
  const client = await redis()
  const key = `healthz:${randomUUID()}`
  const value = randomUUID()
  await client.set(key, value, { expiration: { type: 'PX', value: 60_000 } })
  const read = await client.get(key)
  await client.del(key)
  if (read !== value) throw new Error(`GET ${key} returned ${JSON.stringify(read)}, not the value just SET`)
  return {
    status: 'ok',
    redis: `${process.env.REDIS_HOST}:${process.env.REDIS_PORT ?? 6380}`,
    objectId: await objectId()
  }
}

const server = createServer((req, res) => {
  const answer = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (req.method === 'GET' && req.url === '/healthz') {
    health().then(
      body => answer(200, body),
      error => answer(503, { status: 'error', error: String(error?.message ?? error) })
    )
    return
  }
  answer(404, { status: 'error', error: `no route for ${req.method} ${req.url}` })
})

server.listen(port, () => console.log(`listening on ${port}`))
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)))
