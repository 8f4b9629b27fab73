import { withRetry } from '../azure/retry.js'
import type { CacheRef } from '../read/read-cache.js'
import type { RunContext } from '../run-context.js'
import { cacheAssignments } from './cache-assignments.js'

/** Deletes the assignment and waits for it; a cache busy with another update is waited out. */
export async function deleteAssignment(ctx: RunContext, ref: CacheRef, name: string): Promise<void> {
  await withRetry(() => cacheAssignments(ctx, ref).remove(name), {
    deadline: ctx.deadline,
    sleep: ctx.sleep,
    what: `delete access policy assignment ${name}`
  })
}
