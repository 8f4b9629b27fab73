// Microsoft.Cache/redis accessPolicies (built-in and custom) and accessPolicyAssignments: validation in the
// Redis RP's terms, LROs via Location, paged lists, and the data plane user each Succeeded assignment makes.
import type { Reply, SandboxRequest } from '../http.ts'
import { builtInPolicies } from '../state.ts'
import type { AssignmentState, CacheState, Json, SandboxState } from '../state.ts'
import { armError } from './errors.ts'
import { CACHE, getCache, isAadEnabled, rejectIfCacheBusy } from './redis.ts'
import type { RedisContext } from './redis.ts'
import type { ArmRouteSpec } from './router.ts'

const API_VERSIONS = [
  '2023-05-01-preview',
  '2023-08-01',
  '2024-03-01',
  '2024-04-01-preview',
  '2024-11-01',
  '2025-08-01-preview'
]
const PAGE_SIZE = 2
const NAME = /^([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]|[a-zA-Z0-9])$/

export function policiesOf(
  cache: CacheState
): { name: string; permissions: string; type: 'BuiltIn' | 'Custom' }[] {
  return [
    ...Object.entries(builtInPolicies).map(([name, permissions]) => ({
      name,
      permissions,
      type: 'BuiltIn' as const
    })),
    ...Object.entries(cache.customPolicies).map(([name, permissions]) => ({
      name,
      permissions,
      type: 'Custom' as const
    }))
  ]
}

const findPolicy = (cache: CacheState, name: string): ReturnType<typeof policiesOf>[number] | undefined =>
  policiesOf(cache).find(p => p.name.toLowerCase() === name.toLowerCase())

/** ACL permissions the data plane should give an object id: from its first Succeeded assignment on an Entra cache. */
export function effectivePermissions(s: SandboxState, objectId: string): string | undefined {
  for (const cache of s.caches.values()) {
    if (!isAadEnabled(cache) || cache.provisioningState === 'ConfiguringAAD') continue
    for (const a of cache.assignments.values()) {
      if (a.objectId.toLowerCase() === objectId.toLowerCase() && a.provisioningState === 'Succeeded') {
        return findPolicy(cache, a.accessPolicyName)?.permissions
      }
    }
  }
  return undefined
}

export function assignmentView(cache: CacheState, a: AssignmentState): Json {
  return {
    id: `${cache.id}/accessPolicyAssignments/${a.name}`,
    name: a.name,
    type: 'Microsoft.Cache/Redis/accessPolicyAssignments',
    properties: {
      provisioningState: a.provisioningState,
      objectId: a.objectId,
      objectIdAlias: a.objectIdAlias,
      accessPolicyName: a.accessPolicyName
    }
  }
}

/** An assignment that exists already (Succeeded), as if made long ago. */
export function seedAssignment(
  cache: CacheState,
  name: string,
  p: { objectId: string; accessPolicyName: string; objectIdAlias?: string }
): AssignmentState {
  const a: AssignmentState = {
    name,
    objectId: p.objectId,
    objectIdAlias: p.objectIdAlias ?? p.objectId,
    accessPolicyName: p.accessPolicyName,
    provisioningState: 'Succeeded'
  }
  cache.assignments.set(name.toLowerCase(), a)
  return a
}

export interface AccessPolicyContext extends RedisContext {
  /** an assignment for this object id was made, changed or removed */
  syncUser(objectId: string): Promise<void>
}

export function accessPolicyRoutes(ctx: AccessPolicyContext): ArmRouteSpec[] {
  const { state: s, ops } = ctx
  const common = { apiVersions: API_VERSIONS, resourceType: 'Redis/accessPolicyAssignments' }

  const policyView = (cache: CacheState, p: ReturnType<typeof policiesOf>[number]): Json => ({
    id: `${cache.id}/accessPolicies/${p.name}`,
    name: p.name,
    type: 'Microsoft.Cache/Redis/accessPolicies',
    properties: { provisioningState: 'Succeeded', type: p.type, permissions: p.permissions }
  })

  const validateName = (name: string): void => {
    if (name.length < 3 || name.length > 63 || !NAME.test(name)) {
      throw armError(
        400,
        'InvalidResourceName',
        `The resource name '${name}' is invalid. The name must be 3 to 63 characters long, begin and end with a letter or a number, and contain only letters, numbers and hyphens.`
      )
    }
  }

  const put = (req: SandboxRequest): Reply => {
    const cache = getCache(s, req)
    const name = req.params[3]
    validateName(name)
    const props = ((req.body ?? {}) as Json).properties ?? {}
    const objectId = typeof props.objectId === 'string' ? props.objectId : ''
    const accessPolicyName = typeof props.accessPolicyName === 'string' ? props.accessPolicyName : ''
    if (!objectId || !accessPolicyName) {
      throw armError(
        400,
        'InvalidRequestBody',
        "The properties 'objectId' and 'accessPolicyName' are required."
      )
    }
    rejectIfCacheBusy(ops, cache)
    if (!isAadEnabled(cache)) {
      throw armError(
        400,
        'BadRequest',
        `Microsoft Entra Authentication is not enabled on cache '${cache.name}'. Enable Microsoft Entra Authentication (redisConfiguration 'aad-enabled': 'true') before creating access policy assignments.`
      )
    }
    const policy = findPolicy(cache, accessPolicyName)
    if (!policy) {
      throw armError(
        400,
        'InvalidAccessPolicyAssignment',
        `The access policy '${accessPolicyName}' does not exist on cache '${cache.name}'. Use one of: ${policiesOf(
          cache
        )
          .map(p => `'${p.name}'`)
          .join(', ')}.`
      )
    }
    const existing = cache.assignments.get(name.toLowerCase())
    const duplicate = [...cache.assignments.values()].some(
      a => a !== existing && a.objectId.toLowerCase() === objectId.toLowerCase()
    )
    if (duplicate) {
      throw armError(
        400,
        'InvalidAccessPolicyAssignment',
        'An invalid access policy assignment was detected due to duplicate entries. Please review and ensure that each assignment has a unique combination of assignmentName, policyName and ObjectId to avoid such duplicates'
      )
    }
    const principal = s.principals.get(objectId.toLowerCase())
    if (!principal || Date.now() - principal.createdAt < s.replicationDelayMs) {
      throw armError(
        400,
        'PrincipalNotFound',
        `Principal ${objectId} does not exist in the directory ${s.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning an access policy, this error might be related to a replication delay. In this case, retry the operation after some time.`
      )
    }
    const objectIdAlias = typeof props.objectIdAlias === 'string' ? props.objectIdAlias : objectId
    const unchanged =
      existing !== undefined &&
      existing.provisioningState === 'Succeeded' &&
      existing.objectId === objectId &&
      existing.objectIdAlias === objectIdAlias &&
      existing.accessPolicyName === policy.name
    if (unchanged) return { status: 200, body: assignmentView(cache, existing) }

    const assignment: AssignmentState = {
      name: existing?.name ?? name,
      objectId,
      objectIdAlias,
      accessPolicyName: policy.name,
      provisioningState: 'Updating'
    }
    const previousObjectId = existing?.objectId
    cache.assignments.set(name.toLowerCase(), assignment)
    const started = ops.start(
      {
        provider: 'Microsoft.Cache',
        durationMs: s.latency.assignmentMs,
        complete: async () => {
          cache.inFlight.delete(started.id)
          assignment.provisioningState = 'Succeeded'
          await ctx.syncUser(objectId)
          if (previousObjectId && previousObjectId !== objectId) await ctx.syncUser(previousObjectId)
          return undefined
        },
        finalReply: () => ({ status: 200, body: assignmentView(cache, assignment) })
      },
      req
    )
    cache.inFlight.add(started.id)
    return {
      status: existing ? 200 : 201,
      headers: { location: started.headers.location, 'retry-after': started.headers['retry-after'] },
      body: assignmentView(cache, assignment)
    }
  }

  const remove = (req: SandboxRequest): Reply => {
    const cache = getCache(s, req)
    const existing = cache.assignments.get(req.params[3].toLowerCase())
    if (!existing) return { status: 204 }
    rejectIfCacheBusy(ops, cache)
    existing.provisioningState = 'Deleting'
    const started = ops.start(
      {
        provider: 'Microsoft.Cache',
        durationMs: s.latency.assignmentMs,
        complete: async () => {
          cache.inFlight.delete(started.id)
          cache.assignments.delete(existing.name.toLowerCase())
          await ctx.syncUser(existing.objectId)
          return undefined
        },
        finalReply: () => ({ status: 204 })
      },
      req
    )
    cache.inFlight.add(started.id)
    return {
      status: 202,
      headers: { location: started.headers.location, 'retry-after': started.headers['retry-after'] }
    }
  }

  const list = (req: SandboxRequest): Reply => {
    const cache = getCache(s, req)
    const all = [...cache.assignments.values()]
    const skip = Number(req.query.get('$skipToken') ?? 0) || 0
    const page = all.slice(skip, skip + PAGE_SIZE).map(a => assignmentView(cache, a))
    const next = skip + PAGE_SIZE
    const nextLink =
      next < all.length
        ? `${req.origin}${req.path}?api-version=${req.query.get('api-version')}&$skipToken=${next}`
        : undefined
    return { status: 200, body: { value: page, ...(nextLink ? { nextLink } : {}) } }
  }

  const assignments = `${CACHE}\\/accessPolicyAssignments`
  const policies = `${CACHE}\\/accessPolicies`
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${policies}$`, 'i'),
      operation: 'accessPolicies.list',
      action: 'Microsoft.Cache/redis/accessPolicies/read',
      ...common,
      handle: req => {
        const cache = getCache(s, req)
        return { status: 200, body: { value: policiesOf(cache).map(p => policyView(cache, p)) } }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${policies}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicies.get',
      action: 'Microsoft.Cache/redis/accessPolicies/read',
      ...common,
      handle: req => {
        const cache = getCache(s, req)
        const policy = findPolicy(cache, req.params[3])
        if (!policy) {
          throw armError(
            404,
            'ResourceNotFound',
            `The Resource 'Microsoft.Cache/Redis/${cache.name}/accessPolicies/${req.params[3]}' under resource group '${cache.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
          )
        }
        return { status: 200, body: policyView(cache, policy) }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${assignments}$`, 'i'),
      operation: 'accessPolicyAssignments.list',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/read',
      ...common,
      handle: list
    },
    {
      method: 'GET',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.get',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/read',
      ...common,
      handle: req => {
        const cache = getCache(s, req)
        const a = cache.assignments.get(req.params[3].toLowerCase())
        if (!a) {
          throw armError(
            404,
            'ResourceNotFound',
            `The Resource 'Microsoft.Cache/Redis/${cache.name}/accessPolicyAssignments/${req.params[3]}' under resource group '${cache.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
          )
        }
        return { status: 200, body: assignmentView(cache, a) }
      }
    },
    {
      method: 'PUT',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.createUpdate',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/write',
      ...common,
      handle: put
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.delete',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/delete',
      ...common,
      handle: remove
    }
  ]
}
