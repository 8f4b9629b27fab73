// A redis client that signs in to the sandbox's data plane as an Entra principal (object id and token), over TLS.
import type { TokenCredential } from '@azure/identity'
import { createClient } from 'redis'
import type { Sandbox } from '../../sandbox/index.ts'

export const REDIS_SCOPE = 'https://redis.azure.com/.default'

/** The access token a principal AUTHs with on Azure Cache for Redis and Azure Managed Redis. */
export const redisToken = async (credential: TokenCredential): Promise<string> =>
  (await credential.getToken(REDIS_SCOPE))!.token

/** No reconnects: a refused AUTH rejects connect(). */
export const entraRedisClient = (
  sandbox: Sandbox,
  endpoint: { host: string; port: number },
  objectId: string,
  token: string
) =>
  createClient({
    socket: {
      host: endpoint.host,
      port: endpoint.port,
      tls: true,
      ca: sandbox.caCert,
      reconnectStrategy: false
    },
    username: objectId,
    password: token,
    disableClientInfo: true
  })
