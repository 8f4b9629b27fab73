import { withRetry } from '../azure/retry.js'
import type { CacheState } from '../domain/cache.js'
import type { RunContext } from '../run-context.js'
import { cacheAssignments } from './cache-assignments.js'

/** Deletes the assignment and waits for it; a cache busy with another update is waited out. */
export async function deleteAssignment(ctx: RunContext, cache: CacheState, name: string): Promise<void> {
  await withRetry(() => cacheAssignments(ctx, cache).remove(name), {
    deadline: ctx.deadline,
    sleep: ctx.sleep,
    what: `delete access policy assignment ${name}`
  })
}
