// Microsoft.Cache/redis accessPolicies (built-in and custom) and accessPolicyAssignments: validation in the
// Redis RP's terms, LROs via Azure-AsyncOperation and Location, paged lists, and the data plane user each Succeeded assignment makes.
import type { Reply, SandboxRequest } from '../http.ts'
import { builtInPolicies } from '../state.ts'
import type { AssignmentState, CacheState, SandboxState } from '../state.ts'
import { otherAssignmentFor, requireReplicatedPrincipal } from './assignment-checks.ts'
import { deleteAssignment, startAssignmentWrite } from './assignment-lro.ts'
import { armError, resourceNotFound } from './errors.ts'
import { pagedList } from './paging.ts'
import { CACHE, getCache, isAadEnabled, rejectIfCacheBusy } from './redis.ts'
import type { RedisContext } from './redis.ts'
import type { ArmRouteSpec } from './router.ts'
import type { AccessPolicyView, AssignmentView } from './wire.ts'
import { objectOr } from './wire-guards.ts'

const CACHE_TYPE = 'Microsoft.Cache/Redis'
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

export function assignmentView(cache: CacheState, a: AssignmentState): AssignmentView {
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

  const policyView = (cache: CacheState, p: ReturnType<typeof policiesOf>[number]): AccessPolicyView => ({
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
    const props = objectOr(objectOr(req.body).properties)
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
    if (otherAssignmentFor(cache.assignments, existing, objectId)) {
      throw armError(
        400,
        'InvalidAccessPolicyAssignment',
        'An invalid access policy assignment was detected due to duplicate entries. Please review and ensure that each assignment has a unique combination of assignmentName, policyName and ObjectId to avoid such duplicates'
      )
    }
    requireReplicatedPrincipal(s, objectId)
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
    const started = startAssignmentWrite(ctx, req, cache, {
      assignment,
      replacedObjectId: previousObjectId !== objectId ? previousObjectId : undefined,
      finalReply: () => ({ status: 200, body: assignmentView(cache, assignment) })
    })
    // Created or changed, the classic RP answers 201 with both polling headers and no Retry-After (azure-cli
    // recording test_redis_cache_authentication.yaml, `redis access-policy-assignment create|update`).
    return {
      status: 201,
      headers: {
        location: started.headers.location,
        'azure-asyncoperation': started.headers['azure-asyncoperation']
      },
      body: assignmentView(cache, assignment)
    }
  }

  const remove = (req: SandboxRequest): Reply => {
    const cache = getCache(s, req)
    return deleteAssignment(ctx, req, cache, cache.assignments, req.params[3], 'location')
  }

  const list = (req: SandboxRequest): Reply => {
    const cache = getCache(s, req)
    return pagedList(req, [...cache.assignments.values()], a => assignmentView(cache, a))
  }

  const assignments = `${CACHE}\\/accessPolicyAssignments`
  const policies = `${CACHE}\\/accessPolicies`
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${policies}$`, 'i'),
      operation: 'accessPolicies.list',
      action: 'Microsoft.Cache/redis/accessPolicies/read',
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
      handle: req => {
        const cache = getCache(s, req)
        const policy = findPolicy(cache, req.params[3])
        if (!policy)
          throw resourceNotFound(CACHE_TYPE, `${cache.name}/accessPolicies/${req.params[3]}`, cache.rg)
        return { status: 200, body: policyView(cache, policy) }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${assignments}$`, 'i'),
      operation: 'accessPolicyAssignments.list',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/read',
      handle: list
    },
    {
      method: 'GET',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.get',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/read',
      handle: req => {
        const cache = getCache(s, req)
        const a = cache.assignments.get(req.params[3].toLowerCase())
        if (!a)
          throw resourceNotFound(
            CACHE_TYPE,
            `${cache.name}/accessPolicyAssignments/${req.params[3]}`,
            cache.rg
          )
        return { status: 200, body: assignmentView(cache, a) }
      }
    },
    {
      method: 'PUT',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.createUpdate',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/write',
      handle: put
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`${assignments}\\/([^/]+)$`, 'i'),
      operation: 'accessPolicyAssignments.delete',
      action: 'Microsoft.Cache/redis/accessPolicyAssignments/delete',
      handle: remove
    }
  ]
}
