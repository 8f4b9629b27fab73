// The long-running writes of access policy assignments, alike for classic caches and Managed Redis databases: a
// PUT is Updating until its operation ends Succeeded, a DELETE Deleting until the assignment is gone; either way
// the data plane user of each object id concerned is brought in line when the operation ends.
import type { Reply, SandboxRequest } from '../http.ts'
import type { CacheState, SandboxState } from '../state.ts'
import { startCacheOperation } from './cache-operation.ts'
import { pollingHeaders } from './operations.ts'
import type { Operations, StartedOperation } from './operations.ts'
import { rejectIfCacheBusy } from './redis.ts'

export interface AssignmentOperationContext {
  state: SandboxState
  ops: Operations
  /** an assignment for this object id was made, changed or removed */
  syncUser(objectId: string): Promise<void>
}

interface Assignment {
  name: string
  objectId: string
  provisioningState: 'Updating' | 'Succeeded' | 'Deleting'
}

type AssignmentParent = Pick<CacheState, 'id' | 'inFlight' | 'busyUntil'>

/** Runs an assignment PUT (the assignment already stored, Updating) as an operation on its cache. */
export function startAssignmentWrite(
  ctx: AssignmentOperationContext,
  req: SandboxRequest,
  cache: AssignmentParent,
  write: {
    assignment: Assignment
    /** the object id the assignment gave access to before, when this write takes it away */
    replacedObjectId?: string
    finalReply(): Reply
  }
): StartedOperation {
  return startCacheOperation(ctx.ops, cache, req, {
    durationMs: ctx.state.latency.assignmentMs,
    complete: async () => {
      write.assignment.provisioningState = 'Succeeded'
      await ctx.syncUser(write.assignment.objectId)
      if (write.replacedObjectId) await ctx.syncUser(write.replacedObjectId)
    },
    finalReply: write.finalReply
  })
}

/** An assignment DELETE: 204 when there is none, else 202 and the assignment Deleting until its operation ends. */
export function deleteAssignment<A extends Assignment>(
  ctx: AssignmentOperationContext,
  req: SandboxRequest,
  cache: AssignmentParent,
  assignments: Map<string, A>,
  name: string,
  via: 'location' | 'azure-asyncoperation'
): Reply {
  const existing = assignments.get(name.toLowerCase())
  if (!existing) return { status: 204 }
  rejectIfCacheBusy(ctx.ops, cache)
  existing.provisioningState = 'Deleting'
  const started = startCacheOperation(ctx.ops, cache, req, {
    durationMs: ctx.state.latency.assignmentMs,
    complete: async () => {
      assignments.delete(existing.name.toLowerCase())
      await ctx.syncUser(existing.objectId)
    },
    finalReply: () => ({ status: 204 })
  })
  return { status: 202, headers: pollingHeaders(started.headers, via) }
}
