// Each cloud's Resource Manager serves its own api-versions per resource type, and answers any other with
// 400 NoRegisteredProviderFound, as ARM does. The action's pinned versions must be served by every cloud.
import { afterEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { ManagedServiceIdentityClient } from '@azure/arm-msi'
import { RedisManagementClient } from '@azure/arm-rediscache'
import { createResourceManagement } from '@azure/arm-resources/api'
import { getById } from '@azure/arm-resources/api/resources'
import type { TokenCredential } from '@azure/identity'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { API_VERSIONS } from '../../src/azure/api-versions.js'
import { tlsFor, workflowCredential } from './helpers.ts'

const CLOUDS = [
  ['azurecloud', 'https://management.azure.com/.default'],
  ['azureusgovernment', 'https://management.usgovcloudapi.net/.default'],
  ['azurechinacloud', 'https://management.chinacloudapi.cn/.default']
] as const
type CloudName = (typeof CLOUDS)[number][0]

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.stop()
  sandbox = undefined
})

async function cloudSandbox(
  cloud: CloudName
): Promise<{ sandbox: Sandbox; credential: TokenCredential; scope: string }> {
  const started = await startSandbox({ dataPlane: false, cloud })
  sandbox = started
  const { clientId } = started.addWorkflowIdentity()
  const scope = CLOUDS.find(([name]) => name === cloud)?.[1] ?? ''
  return { sandbox: started, credential: workflowCredential(started, clientId), scope }
}

/** Client options as the action builds them (endpoint, scope), with or without its pinned api-version. */
const options = (s: Sandbox, scope: string, apiVersion?: string) => ({
  endpoint: s.armEndpoint,
  credentials: { scopes: [scope] },
  credentialScopes: [scope],
  ...(apiVersion ? { apiVersion } : {}),
  ...tlsFor(s)
})

/** The error an SDK call rejects with, for its code, status and text. */
async function failureOf(
  call: Promise<unknown>
): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await call
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string }
  }
  throw new Error('the call succeeded')
}

describe('api-versions per cloud', () => {
  it("@azure/arm-appcontainers' default api-version (2026-07-01) is refused like ARM refuses it: 400 NoRegisteredProviderFound", async () => {
    const { sandbox: s, credential, scope } = await cloudSandbox('azurecloud')
    s.addContainerApp('rg-apps', 'web')
    const sdkDefault = new ContainerAppsAPIClient(credential, s.subscriptionId, options(s, scope))
    const error = await failureOf(sdkDefault.containerApps.get('rg-apps', 'web'))
    expect(error.statusCode).toBe(400)
    expect(error.code).toBe('NoRegisteredProviderFound')
    expect(error.message).toBe(
      "No registered resource provider found for location 'eastus' and API version '2026-07-01' for type 'containerApps'. " +
        "The supported api-versions are '2022-03-01, 2022-06-01-preview, 2022-10-01, 2022-11-01-preview, 2023-04-01-preview, " +
        '2023-05-01, 2023-05-02-preview, 2023-08-01-preview, 2023-11-02-preview, 2024-02-02-preview, 2024-03-01, ' +
        '2024-08-02-preview, 2024-10-02-preview, 2025-01-01, 2025-02-02-preview, 2025-07-01, 2025-10-02-preview, ' +
        "2026-01-01, 2026-03-02-preview'. The supported locations are 'eastus, westeurope'."
    )
    expect(s.requestLog.filter(e => e.service === 'arm').map(e => [e.apiVersion, e.status])).toEqual([
      ['2026-07-01', 400]
    ])
  })

  it('US Government serves older versions: the Redis and managed identity SDK defaults are refused there', async () => {
    const { sandbox: s, credential, scope } = await cloudSandbox('azureusgovernment')
    s.addRedisCache('rg-data', 'cache')
    s.addUserAssignedIdentity('rg-ids', 'uami')
    const redis = new RedisManagementClient(credential, s.subscriptionId, options(s, scope))
    const redisError = await failureOf(redis.redis.get('rg-data', 'cache'))
    expect(redisError.code).toBe('NoRegisteredProviderFound')
    expect(redisError.message).toMatch(
      /^No registered resource provider found for location 'usgovvirginia' and API version '2024-11-01' for type 'Redis'\. The supported api-versions are '2015-08-01, .*, 2024-03-01'\. The supported locations are 'usgovvirginia, usgovarizona, usgovtexas'\.$/
    )
    const msi = new ManagedServiceIdentityClient(credential, s.subscriptionId, options(s, scope))
    const msiError = await failureOf(msi.userAssignedIdentities.get('rg-ids', 'uami'))
    expect(msiError.code).toBe('NoRegisteredProviderFound')
    expect(msiError.message).toContain(
      "API version '2024-11-30' for type 'userAssignedIdentities'. The supported api-versions are '2015-08-31-preview, 2018-11-30'."
    )
  })

  it.each(CLOUDS.map(([cloud]) => cloud))(
    '%s serves the pinned version of every provider the action calls',
    async cloud => {
      const { sandbox: s, credential, scope } = await cloudSandbox(cloud)
      s.addContainerApp('rg-apps', 'web')
      s.addContainerAppJob('rg-apps', 'nightly')
      s.addRedisCache('rg-data', 'cache')
      const uami = s.addUserAssignedIdentity('rg-ids', 'uami')
      const clusterId = s.addManagedRedis('rg-data', 'amr')

      const apps = new ContainerAppsAPIClient(
        credential,
        s.subscriptionId,
        options(s, scope, API_VERSIONS.containerApps)
      )
      const redis = new RedisManagementClient(
        credential,
        s.subscriptionId,
        options(s, scope, API_VERSIONS.redis)
      )
      const msi = new ManagedServiceIdentityClient(
        credential,
        s.subscriptionId,
        options(s, scope, API_VERSIONS.managedIdentity)
      )
      const resources = createResourceManagement(credential, s.subscriptionId, options(s, scope))

      const app = await apps.containerApps.get('rg-apps', 'web')
      expect(app.latestRevisionName).toBeTruthy()
      const revision = await apps.containerAppsRevisions.getRevision(
        'rg-apps',
        'web',
        app.latestRevisionName ?? ''
      )
      expect(revision.name).toBe(app.latestRevisionName)
      expect((await apps.jobs.get('rg-apps', 'nightly')).name).toBe('nightly')
      expect((await redis.redis.get('rg-data', 'cache')).redisConfiguration?.aadEnabled).toBe('true')
      for await (const p of redis.accessPolicy.list('rg-data', 'cache')) expect(p.name).toBeTruthy()
      for await (const a of redis.accessPolicyAssignment.list('rg-data', 'cache')) expect(a.name).toBeTruthy()
      expect((await msi.userAssignedIdentities.get('rg-ids', 'uami')).principalId).toBe(uami.principalId)
      const cluster = await getById(resources, clusterId.slice(1), API_VERSIONS.managedRedis)
      expect(cluster.id?.toLowerCase()).toBe(clusterId.toLowerCase())
      const database = await getById(
        resources,
        `${clusterId.slice(1)}/databases/default`,
        API_VERSIONS.managedRedis
      )
      expect(database.name).toBeTruthy()

      const arm = s.requestLog.filter(e => e.service === 'arm')
      expect(arm.length).toBeGreaterThanOrEqual(9)
      expect(arm.filter(e => e.status >= 400)).toEqual([])
    }
  )
})
