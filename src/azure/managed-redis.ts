import type { ResourceManagementContext } from '@azure/arm-resources/api'
import { createOrUpdateById, deleteById, getById } from '@azure/arm-resources/api/resources'
import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import {
  cacheResourceId,
  MANAGED_REDIS_POLICY,
  type CacheAddress,
  type ManagedRedisState
} from '../domain/cache.js'
import { checkAnswer, listProblems, readAnswer, valueAt, type Expectation } from './check-answer.js'
import { API_VERSIONS } from './api-versions.js'
import { UnexpectedAnswerError } from './unexpected-answer.js'

/**
 * Azure Managed Redis (Microsoft.Cache/redisEnterprise) through the generic resource client: no released
 * @azure/arm-redisenterprisecache has the access policy assignment operations. The cluster and its database are
 * read into ManagedRedisState, their own fields; only the assignments take the classic cache's terms.
 */
export const MANAGED_REDIS_API_VERSION = API_VERSIONS.managedRedis

/** The generic Resource Manager client context (@azure/arm-resources' modular API). */
export type ManagedRedisClients = ResourceManagementContext

// The generic client writes "/{+resourceId}": a resource id is passed without its leading slash.
const bare = (id: string): string => id.replace(/^\/+/, '')

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** An assignment's JSON in the classic cache's terms (the object id sits under properties.user). */
function toAssignment(a: unknown): RedisCacheAccessPolicyAssignment {
  return {
    id: text(valueAt(a, 'id')),
    name: text(valueAt(a, 'name')),
    accessPolicyName: text(valueAt(a, 'properties.accessPolicyName')),
    objectId: text(valueAt(a, 'properties.user.objectId')),
    provisioningState: text(valueAt(a, 'properties.provisioningState'))
  }
}

/** Azure's default clustering policy of a database (2025-07-01 DatabaseProperties.clusteringPolicy). */
export const DEFAULT_CLUSTERING_POLICY = 'OSSCluster'

/** OSS clustering exposes the Redis Cluster API: clients must be cluster-aware and reach every shard. */
export function isOssCluster(clusteringPolicy: string | undefined): boolean {
  return clusteringPolicy?.toLowerCase() === DEFAULT_CLUSTERING_POLICY.toLowerCase()
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
  address: CacheAddress,
  signal: AbortSignal
): Promise<ManagedRedisState> {
  const clusterId = cacheResourceId(address, 'managed-redis')
  const databaseId = `${clusterId}/databases/default`
  const { name } = address
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
  const clusterProps = cluster.properties ?? {}
  const databaseProps = database.properties ?? {}
  const port = databaseProps.port
  return {
    kind: 'managed-redis',
    id: clusterId,
    resourceGroup: address.resourceGroup,
    name,
    databaseId,
    clusteringPolicy: text(databaseProps.clusteringPolicy) || DEFAULT_CLUSTERING_POLICY,
    hostName: text(clusterProps.hostName),
    port: typeof port === 'number' ? port : undefined,
    accessKeysAuthentication: text(databaseProps.accessKeysAuthentication),
    provisioningState: text(clusterProps.provisioningState),
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
    // The unchecked path answers untyped JSON: read it field by field.
    const body: unknown = response.body
    if (response.status !== '200')
      throw Object.assign(new Error(`listing ${next} answered ${response.status}`), {
        statusCode: Number(response.status),
        details: body
      })
    const items = valueAt(body, 'value')
    // Read as an empty list, `{}` would pass for "no assignments": a page that is not a list is not Azure's.
    if (!Array.isArray(items))
      throw new UnexpectedAnswerError(
        `a list of the access policy assignments of ${databaseId}`,
        { status: 200, body },
        listProblems(body)
      )
    found.push(...items.map(toAssignment))
    next = text(valueAt(body, 'nextLink'))
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
