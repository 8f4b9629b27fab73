import { assignmentOperations, type AssignmentOperations } from '../azure/cache-kinds.js'
import type { CacheState } from '../domain/cache.js'
import type { RunContext } from '../run-context.js'

/** The three assignment operations of the run's cache, whichever its kind. */
export function cacheAssignments(ctx: RunContext, cache: CacheState): AssignmentOperations {
  return assignmentOperations(ctx.clients, cache, {
    signal: ctx.deadline.signal,
    pollMs: ctx.pollIntervalMs,
    alias: ctx.target.name
  })
}
