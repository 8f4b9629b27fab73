import type { ResourceManagementContext } from '@azure/arm-resources/api'
import { createOrUpdateById, deleteById, getById } from '@azure/arm-resources/api/resources'
import type {
  RedisCacheAccessPolicy,
  RedisCacheAccessPolicyAssignment,
  RedisResource
} from '@azure/arm-rediscache'
import { checkAnswer, readAnswer, type Expectation } from './check-answer.js'
import { API_VERSIONS } from './api-versions.js'

/**
 * Azure Managed Redis (Microsoft.Cache/redisEnterprise) through the generic resource client: no released
 * @azure/arm-redisenterprisecache has the access policy assignment operations. Its resources are mapped onto
 * the shapes the classic cache uses, so planning and checks serve both.
 */
export const MANAGED_REDIS_API_VERSION = API_VERSIONS.managedRedis
export const MANAGED_REDIS_POLICY = 'default'
/** Managed Redis assignment names allow letters and digits only (no hyphens), up to 60. */
export const MANAGED_REDIS_ASSIGNMENT_NAME = /^[A-Za-z0-9]{1,60}$/

/** The generic Resource Manager client context (@azure/arm-resources' modular API). */
export type ManagedRedisClients = ResourceManagementContext

// The generic client writes "/{+resourceId}": a resource id is passed without its leading slash.
const bare = (id: string): string => id.replace(/^\/+/, '')

export function managedRedisAssignmentName(objectId: string): string {
  return objectId.replace(/-/g, '')
}

interface AssignmentJson {
  id?: string
  name?: string
  properties?: { accessPolicyName?: string; user?: { objectId?: string }; provisioningState?: string }
}

function toAssignment(a: AssignmentJson): RedisCacheAccessPolicyAssignment {
  return {
    id: a.id,
    name: a.name,
    accessPolicyName: a.properties?.accessPolicyName,
    objectId: a.properties?.user?.objectId,
    provisioningState: a.properties?.provisioningState
  }
}

/** Azure's default clustering policy of a database (2025-07-01 DatabaseProperties.clusteringPolicy). */
export const DEFAULT_CLUSTERING_POLICY = 'OSSCluster'

/** OSS clustering exposes the Redis Cluster API: clients must be cluster-aware and reach every shard. */
export function isOssCluster(clusteringPolicy: string | undefined): boolean {
  return clusteringPolicy?.toLowerCase() === DEFAULT_CLUSTERING_POLICY.toLowerCase()
}

export interface ManagedRedisState {
  cache: RedisResource
  databaseId: string
  /** OSSCluster, EnterpriseCluster or NoCluster (a string: Azure may add values) */
  clusteringPolicy: string
  policies: RedisCacheAccessPolicy[]
  assignments: RedisCacheAccessPolicyAssignment[]
}

/** Reads a resource by id and checks that the answer is it (see check-answer.ts). */
async function getChecked(c: ManagedRedisClients, id: string, expected: Expectation, signal: AbortSignal) {
  const { value, answer } = await readAnswer(expected, onResponse =>
    getById(c, bare(id), MANAGED_REDIS_API_VERSION, { abortSignal: signal, onResponse })
  )
  checkAnswer(answer, expected)
  return value
}

export async function readManagedRedis(
  c: ManagedRedisClients,
  clusterId: string,
  signal: AbortSignal
): Promise<ManagedRedisState> {
  const databaseId = `${clusterId}/databases/default`
  const name = clusterId.split('/').pop() ?? clusterId
  const [cluster, database, assignments] = await Promise.all([
    getChecked(
      c,
      clusterId,
      {
        what: `Azure Managed Redis cluster ${name}`,
        id: clusterId,
        name,
        fields: [['properties.hostName', 'text']]
      },
      signal
    ),
    getChecked(
      c,
      databaseId,
      { what: `database default of ${name}`, name: 'default', fields: [['properties.port', 'number']] },
      signal
    ),
    listManagedRedisAssignments(c, databaseId, signal)
  ])
  const clusterProps = (cluster.properties ?? {}) as { hostName?: string; provisioningState?: string }
  const databaseProps = (database.properties ?? {}) as {
    port?: number
    accessKeysAuthentication?: string
    clusteringPolicy?: string
  }
  return {
    cache: {
      id: cluster.id,
      name: cluster.name,
      location: cluster.location ?? '',
      sku: { name: 'Basic', family: 'C', capacity: 0 },
      hostName: clusterProps.hostName,
      sslPort: databaseProps.port,
      provisioningState: clusterProps.provisioningState,
      // Managed Redis always takes Microsoft Entra ID tokens.
      redisConfiguration: { aadEnabled: 'true' },
      disableAccessKeyAuthentication: databaseProps.accessKeysAuthentication === 'Disabled'
    },
    databaseId,
    clusteringPolicy: databaseProps.clusteringPolicy || DEFAULT_CLUSTERING_POLICY,
    policies: [{ name: MANAGED_REDIS_POLICY }],
    assignments
  }
}

export async function listManagedRedisAssignments(
  c: ManagedRedisClients,
  databaseId: string,
  signal: AbortSignal
): Promise<RedisCacheAccessPolicyAssignment[]> {
  const found: RedisCacheAccessPolicyAssignment[] = []
  let next: string | undefined = `${databaseId}/accessPolicyAssignments`
  let query: Record<string, string> | undefined = { 'api-version': MANAGED_REDIS_API_VERSION }
  while (next) {
    const response = await c.pathUnchecked(next).get({ queryParameters: query, abortSignal: signal })
    if (response.status !== '200')
      throw Object.assign(new Error(`listing ${next} answered ${response.status}`), {
        statusCode: Number(response.status),
        details: response.body as unknown
      })
    const body = response.body as { value?: AssignmentJson[]; nextLink?: string }
    found.push(...(body.value ?? []).map(toAssignment))
    next = body.nextLink
    query = undefined
  }
  return found
}

export async function putManagedRedisAssignment(
  c: ManagedRedisClients,
  databaseId: string,
  name: string,
  objectId: string,
  o: { signal: AbortSignal; pollMs: number }
): Promise<RedisCacheAccessPolicyAssignment> {
  const written = await createOrUpdateById(
    c,
    bare(`${databaseId}/accessPolicyAssignments/${name}`),
    MANAGED_REDIS_API_VERSION,
    { properties: { accessPolicyName: MANAGED_REDIS_POLICY, user: { objectId } } },
    { abortSignal: o.signal, updateIntervalInMs: o.pollMs }
  )
  return toAssignment(written)
}

export async function deleteManagedRedisAssignment(
  c: ManagedRedisClients,
  databaseId: string,
  name: string,
  o: { signal: AbortSignal; pollMs: number }
): Promise<void> {
  await deleteById(c, bare(`${databaseId}/accessPolicyAssignments/${name}`), MANAGED_REDIS_API_VERSION, {
    abortSignal: o.signal,
    updateIntervalInMs: o.pollMs
  })
}
