// One write at a time on a container app or job: while its operation runs, GET says InProgress and other writes
// get 409.
import type { AppResourceState } from '../state.ts'
import { armError } from './errors.ts'
import type { Operations } from './operations.ts'

export const isWriteRunning = (ops: Operations, app: AppResourceState): boolean =>
  app.pending !== undefined && ops.isRunning(app.pending.operationId)

export function rejectIfWriteRunning(
  ops: Operations,
  app: AppResourceState,
  kind: 'container app' | 'container app job'
): void {
  if (isWriteRunning(ops, app)) {
    throw armError(
      409,
      'ContainerAppOperationInProgress',
      `Cannot modify ${kind} '${app.name}' because another operation is in progress. Please retry the operation.`
    )
  }
}
