import { withRetry } from '../azure/retry.js'
import type { RunContext } from '../run-context.js'

/** Deletes the assignment and waits for it; a cache busy with another update is waited out. */
export async function deleteAssignment(ctx: RunContext, name: string): Promise<void> {
  const { inputs, clients, deadline } = ctx
  await withRetry(
    () =>
      clients.redis.accessPolicyAssignment.beginDeleteAndWait(
        inputs.redisResourceGroup,
        inputs.redisName,
        name,
        {
          abortSignal: deadline.signal,
          updateIntervalInMs: ctx.pollIntervalMs
        }
      ),
    { deadline, sleep: ctx.sleep, what: `delete access policy assignment ${name}` }
  )
}
