// Azure Managed Redis (Microsoft.Cache/redisEnterprise): cluster and database GET, and the databases' access
// policy assignments (PUT/GET/list/DELETE as Azure-AsyncOperation LROs). Entra is always on; the only policy is
// 'default' (full access), so each Succeeded assignment makes its object id a data plane user with `+@all allkeys`.
// A database's clusteringPolicy (default OSSCluster) says which data plane serves it: a real Redis Cluster for
// OSSCluster, the one redis-server (a single endpoint) for EnterpriseCluster and NoCluster.
import type { Reply, SandboxRequest } from '../http.ts'
import { REGION, REGION_DISPLAY, resourceKey, rgId } from '../state.ts'
import type {
  ClusteringPolicy,
  ManagedRedisAssignmentState,
  ManagedRedisDatabaseState,
  ManagedRedisState,
  SandboxState
} from '../state.ts'
import { otherAssignmentFor, requireReplicatedPrincipal } from './assignment-checks.ts'
import { deleteAssignment, startAssignmentWrite } from './assignment-lro.ts'
import { armError, resourceNotFound } from './errors.ts'
import type { Operations } from './operations.ts'
import { pagedList } from './paging.ts'
import { rejectIfCacheBusy } from './redis.ts'
import { requestedResource } from './requested-resource.ts'
import type { ArmRouteSpec } from './router.ts'
import type { DatabaseView, ManagedRedisAssignmentView, ManagedRedisView } from './wire.ts'
import { objectOr } from './wire-guards.ts'

const TYPE = 'Microsoft.Cache/redisEnterprise'
/** the TypeSpec pattern of accessPolicyAssignmentName (AccessPolicyAssignment.tsp) */
const NAME = /^[A-Za-z0-9]{1,60}$/
const DEFAULT_POLICY = 'default'
/** what the 'default' access policy grants on the data plane */
export const MANAGED_REDIS_DEFAULT_PERMISSIONS = '+@all allkeys'
/** the port of every Azure Managed Redis database (TLS) */
export const MANAGED_REDIS_PORT = 10000

const CLUSTER = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)`
const DATABASE = String.raw`${CLUSTER}\/databases\/([^/]+)`
const ASSIGNMENTS = String.raw`${DATABASE}\/accessPolicyAssignments`

export interface ManagedRedisContext {
  state: SandboxState
  ops: Operations
  /** the real data plane when it runs: the cluster's hostName and each database's port point at it */
  dataPlane?: {
    host: string
    /** the one redis-server: the single endpoint of EnterpriseCluster and NoCluster databases */
    port: number
    /** the Redis Cluster of OSSCluster databases, started when first needed */
    ossCluster(): Promise<{ host: string; port: number }>
    ossClusterStarted(): { host: string; port: number } | undefined
  }
  /** an assignment for this object id was made or removed */
  syncUser(objectId: string): Promise<void>
}

export interface ManagedRedisSeed {
  /** name of the (only) database; default 'default' */
  database?: string
  accessKeysAuthentication?: 'Disabled' | 'Enabled'
  /** default 'OSSCluster', Azure's default; with the data plane running, OSSCluster starts a Redis Cluster */
  clusteringPolicy?: ClusteringPolicy
  tags?: Record<string, string>
}

export function seedManagedRedis(
  s: SandboxState,
  rg: string,
  name: string,
  o: ManagedRedisSeed = {}
): ManagedRedisState {
  s.resourceGroups.add(rg.toLowerCase())
  const database: ManagedRedisDatabaseState = {
    name: o.database ?? 'default',
    accessKeysAuthentication: o.accessKeysAuthentication ?? 'Disabled',
    clusteringPolicy: o.clusteringPolicy ?? 'OSSCluster',
    assignments: new Map()
  }
  const cluster: ManagedRedisState = {
    id: `${rgId(s, rg)}/providers/${TYPE}/${name}`,
    rg,
    name,
    tags: o.tags ?? {},
    sku: { name: 'Balanced_B1' },
    provisioningState: 'Succeeded',
    databases: new Map([[database.name.toLowerCase(), database]]),
    busyUntil: 0,
    inFlight: new Set()
  }
  s.managedRedis.set(resourceKey(rg, name), cluster)
  return cluster
}

/** An existing Succeeded assignment (any name, as the portal's GUID names are accepted here too). */
export function seedManagedRedisAssignment(
  db: ManagedRedisDatabaseState,
  name: string,
  objectId: string
): ManagedRedisAssignmentState {
  const a: ManagedRedisAssignmentState = {
    name,
    objectId,
    accessPolicyName: DEFAULT_POLICY,
    provisioningState: 'Succeeded'
  }
  db.assignments.set(name.toLowerCase(), a)
  return a
}

/** ACL permissions the data plane should give an object id for its Managed Redis assignments, if any. */
export function managedRedisPermissions(s: SandboxState, objectId: string): string | undefined {
  for (const cluster of s.managedRedis.values()) {
    for (const db of cluster.databases.values()) {
      for (const a of db.assignments.values()) {
        if (a.objectId.toLowerCase() === objectId.toLowerCase() && a.provisioningState === 'Succeeded') {
          return MANAGED_REDIS_DEFAULT_PERMISSIONS
        }
      }
    }
  }
  return undefined
}

export function managedRedisView(ctx: ManagedRedisContext, cluster: ManagedRedisState): ManagedRedisView {
  return {
    id: cluster.id,
    name: cluster.name,
    type: TYPE,
    location: REGION_DISPLAY,
    tags: cluster.tags,
    kind: 'v2',
    sku: structuredClone(cluster.sku),
    identity: { type: 'None' },
    properties: {
      hostName: ctx.dataPlane ? ctx.dataPlane.host : `${cluster.name}.${REGION}.redis.azure.net`,
      provisioningState: cluster.provisioningState,
      resourceState: 'Running',
      minimumTlsVersion: '1.2',
      highAvailability: 'Enabled',
      redundancyMode: 'LR',
      publicNetworkAccess: 'Enabled',
      privateEndpointConnections: []
    }
  }
}

/** The database's TLS port: 10000 without a data plane, else the port of the data plane that serves its policy. */
function databasePort(
  ctx: ManagedRedisContext,
  cluster: ManagedRedisState,
  db: ManagedRedisDatabaseState
): number {
  if (!ctx.dataPlane) return MANAGED_REDIS_PORT
  if (db.clusteringPolicy !== 'OSSCluster') return ctx.dataPlane.port
  const started = ctx.dataPlane.ossClusterStarted()
  if (!started) {
    throw new Error(
      `sandbox: the Redis cluster of ${cluster.name}/${db.name} (OSSCluster) is still starting: await sandbox.ossCluster() first`
    )
  }
  return started.port
}

/** Waits for the data plane of the database's policy, so that a view of it can name its port. */
export async function databaseReady(ctx: ManagedRedisContext, db: ManagedRedisDatabaseState): Promise<void> {
  if (db.clusteringPolicy === 'OSSCluster') await ctx.dataPlane?.ossCluster()
}

export function databaseView(
  ctx: ManagedRedisContext,
  cluster: ManagedRedisState,
  db: ManagedRedisDatabaseState
): DatabaseView {
  return {
    id: `${cluster.id}/databases/${db.name}`,
    name: db.name,
    type: `${TYPE}/databases`,
    properties: {
      clientProtocol: 'Encrypted',
      port: databasePort(ctx, cluster, db),
      provisioningState: 'Succeeded',
      resourceState: 'Running',
      clusteringPolicy: db.clusteringPolicy,
      evictionPolicy: 'VolatileLRU',
      keySpaceNotification: '',
      redisVersion: '7.4',
      deferUpgrade: 'NotDeferred',
      accessKeysAuthentication: db.accessKeysAuthentication
    }
  }
}

export function managedRedisAssignmentView(
  cluster: ManagedRedisState,
  db: ManagedRedisDatabaseState,
  a: ManagedRedisAssignmentState
): ManagedRedisAssignmentView {
  return {
    id: `${cluster.id}/databases/${db.name}/accessPolicyAssignments/${a.name}`,
    name: a.name,
    type: `${TYPE}/databases/accessPolicyAssignments`,
    properties: {
      provisioningState: a.provisioningState,
      accessPolicyName: a.accessPolicyName,
      user: { objectId: a.objectId }
    }
  }
}

export function managedRedisRoutes(ctx: ManagedRedisContext): ArmRouteSpec[] {
  const { state: s, ops } = ctx

  const getCluster = (req: SandboxRequest): ManagedRedisState => requestedResource(s.managedRedis, TYPE, req)
  const getDatabase = (
    req: SandboxRequest
  ): { cluster: ManagedRedisState; db: ManagedRedisDatabaseState } => {
    const cluster = getCluster(req)
    const db = cluster.databases.get(req.params[3].toLowerCase())
    if (!db) throw resourceNotFound(TYPE, `${cluster.name}/databases/${req.params[3]}`, cluster.rg)
    return { cluster, db }
  }

  const put = (req: SandboxRequest): Reply => {
    const { cluster, db } = getDatabase(req)
    const name = req.params[4]
    if (!NAME.test(name)) {
      throw armError(
        400,
        'InvalidResourceName',
        `The resource name '${name}' is invalid. The name of an access policy assignment must be 1 to 60 characters long and contain only letters and numbers (pattern '^[A-Za-z0-9]{1,60}$').`
      )
    }
    const props = objectOr(objectOr(req.body).properties)
    const user = objectOr(props.user)
    const objectId = typeof user.objectId === 'string' ? user.objectId : ''
    const accessPolicyName = typeof props.accessPolicyName === 'string' ? props.accessPolicyName : ''
    if (!objectId || !accessPolicyName) {
      throw armError(
        400,
        'InvalidRequestBody',
        "The properties 'accessPolicyName' and 'user.objectId' are required."
      )
    }
    rejectIfCacheBusy(ops, cluster)
    if (accessPolicyName !== DEFAULT_POLICY) {
      throw armError(
        400,
        'InvalidAccessPolicyAssignment',
        `The access policy '${accessPolicyName}' is not supported. The only access policy of an Azure Managed Redis database is '${DEFAULT_POLICY}'.`
      )
    }
    const existing = db.assignments.get(name.toLowerCase())
    const other = otherAssignmentFor(db.assignments, existing, objectId)
    if (other) {
      throw armError(
        400,
        'InvalidAccessPolicyAssignment',
        `User '${objectId}' already has an access policy assignment ('${other.name}') on database '${db.name}' of cluster '${cluster.name}'. Each user can have one access policy assignment per database.`
      )
    }
    requireReplicatedPrincipal(s, objectId)
    const unchanged =
      existing !== undefined &&
      existing.provisioningState === 'Succeeded' &&
      existing.objectId.toLowerCase() === objectId.toLowerCase()
    if (unchanged) return { status: 200, body: managedRedisAssignmentView(cluster, db, existing) }

    const assignment: ManagedRedisAssignmentState = {
      name: existing?.name ?? name,
      objectId,
      accessPolicyName: DEFAULT_POLICY,
      provisioningState: 'Updating'
    }
    const previousObjectId = existing?.objectId
    db.assignments.set(name.toLowerCase(), assignment)
    const started = startAssignmentWrite(ctx, req, cluster, {
      assignment,
      replacedObjectId:
        previousObjectId?.toLowerCase() !== objectId.toLowerCase() ? previousObjectId : undefined,
      finalReply: () => ({ status: 200, body: managedRedisAssignmentView(cluster, db, assignment) })
    })
    // As recorded (__fixtures__/recordings/redisenterprise-assignment-put.json): Azure-AsyncOperation, and a
    // Location that is the assignment's own URL; no Retry-After.
    return {
      status: existing ? 200 : 201,
      headers: {
        'azure-asyncoperation': started.headers['azure-asyncoperation'],
        location: `${req.origin}${req.path}?${req.query}`
      },
      body: managedRedisAssignmentView(cluster, db, assignment)
    }
  }

  const remove = (req: SandboxRequest): Reply => {
    const { cluster, db } = getDatabase(req)
    return deleteAssignment(ctx, req, cluster, db.assignments, req.params[4], 'azure-asyncoperation')
  }

  const list = (req: SandboxRequest): Reply => {
    const { cluster, db } = getDatabase(req)
    return pagedList(req, [...db.assignments.values()], a => managedRedisAssignmentView(cluster, db, a))
  }

  const assignment = new RegExp(`${ASSIGNMENTS}\\/([^/]+)$`, 'i')
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${CLUSTER}$`, 'i'),
      operation: 'redisEnterprise.get',
      action: 'Microsoft.Cache/redisEnterprise/read',
      handle: req => ({ status: 200, body: managedRedisView(ctx, getCluster(req)) })
    },
    {
      method: 'GET',
      pattern: new RegExp(`${DATABASE}$`, 'i'),
      operation: 'redisEnterprise.databases.get',
      action: 'Microsoft.Cache/redisEnterprise/databases/read',
      handle: async req => {
        const { cluster, db } = getDatabase(req)
        await databaseReady(ctx, db)
        return { status: 200, body: databaseView(ctx, cluster, db) }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${ASSIGNMENTS}$`, 'i'),
      operation: 'redisEnterprise.accessPolicyAssignments.list',
      action: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments/read',
      handle: list
    },
    {
      method: 'GET',
      pattern: assignment,
      operation: 'redisEnterprise.accessPolicyAssignments.get',
      action: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments/read',
      handle: req => {
        const { cluster, db } = getDatabase(req)
        const a = db.assignments.get(req.params[4].toLowerCase())
        if (!a) {
          throw resourceNotFound(
            TYPE,
            `${cluster.name}/databases/${db.name}/accessPolicyAssignments/${req.params[4]}`,
            cluster.rg
          )
        }
        return { status: 200, body: managedRedisAssignmentView(cluster, db, a) }
      }
    },
    {
      method: 'PUT',
      pattern: assignment,
      operation: 'redisEnterprise.accessPolicyAssignments.createUpdate',
      action: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments/write',
      handle: put
    },
    {
      method: 'DELETE',
      pattern: assignment,
      operation: 'redisEnterprise.accessPolicyAssignments.delete',
      action: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments/delete',
      handle: remove
    }
  ]
}
