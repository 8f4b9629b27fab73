// Long-running operations: the Azure-AsyncOperation status URL and the Location result URL of each write.
// An operation ends on a timer (so side effects such as data plane users happen even when nobody polls) or,
// at the latest, when a poll arrives after its due time.
import { randomUUID } from 'node:crypto'
import type { Reply, SandboxRequest } from '../http.ts'
import { REGION } from '../state.ts'
import { armError } from './errors.ts'
import type { ArmErrorDetail } from './errors.ts'

export type Provider = 'Microsoft.App' | 'Microsoft.Cache'

export interface OperationSpec {
  provider: Provider
  durationMs: number
  /** runs once when the operation ends; an error detail fails the operation */
  complete(): Promise<OperationFailure | undefined> | OperationFailure | undefined
  /** answer of the Location URL once the operation succeeded */
  finalReply(): Reply
  /** which Cache RP answers its status URL: they differ in shape (see status()) */
  cacheKind?: 'redis' | 'redisEnterprise'
}

export interface OperationFailure extends ArmErrorDetail {
  /** status of the Location URL for the failure (default 400) */
  status?: number
}

interface Operation {
  id: string
  spec: OperationSpec
  startedAt: number
  doneAt: number
  status: 'InProgress' | 'Succeeded' | 'Failed'
  endedAt?: number
  error?: OperationFailure
  ending?: Promise<void>
  timer?: NodeJS.Timeout
}

export interface StartedOperation {
  id: string
  /** Location, Azure-AsyncOperation and Retry-After headers for the initial 201/202 */
  headers: { location: string; 'azure-asyncoperation': string; 'retry-after': string }
}

/** The polling headers of an initial 201/202: the Location (result URL) or Azure-AsyncOperation (status URL) one,
 * with Retry-After. */
export function pollingHeaders(
  headers: StartedOperation['headers'],
  via: 'location' | 'azure-asyncoperation'
): Record<string, string> {
  return { [via]: headers[via], 'retry-after': headers['retry-after'] }
}

export interface Operations {
  start(spec: OperationSpec, req: SandboxRequest): StartedOperation
  /** true while the operation has not ended */
  isRunning(id: string): boolean
  status(req: SandboxRequest): Promise<Reply>
  result(req: SandboxRequest): Promise<Reply>
  stop(): void
}

const paths: Record<Provider, { status: string; result: string }> = {
  'Microsoft.App': { status: 'containerappOperationStatuses', result: 'containerappOperationResults' },
  'Microsoft.Cache': { status: 'asyncOperations', result: 'operationResults' }
}

/** Path patterns of the polling URLs: groups are subscription, provider, kind, operation id. */
export const operationPathPattern =
  /^\/subscriptions\/([^/]+)\/providers\/(Microsoft\.App|Microsoft\.Cache)\/locations\/[^/]+\/(containerappOperationStatuses|asyncOperations|containerappOperationResults|operationResults)\/([^/]+)$/i

export function createOperations(subscriptionId: string): Operations {
  const ops = new Map<string, Operation>()

  const end = (op: Operation): Promise<void> => {
    op.ending ??= (async () => {
      clearTimeout(op.timer)
      let failure: OperationFailure | undefined
      try {
        failure = await op.spec.complete()
      } catch (err) {
        failure = { code: 'InternalServerError', message: String(err), status: 500 }
      }
      op.status = failure ? 'Failed' : 'Succeeded'
      op.error = failure
      op.endedAt = Date.now()
    })()
    return op.ending
  }

  const find = async (req: SandboxRequest): Promise<Operation> => {
    const op = ops.get(req.params[3])
    if (!op || req.params[0].toLowerCase() !== subscriptionId.toLowerCase()) {
      throw armError(404, 'OperationNotFound', `The operation '${req.params[3]}' could not be found.`)
    }
    if (op.status === 'InProgress' && Date.now() >= op.doneAt) await end(op)
    else if (op.ending) await op.ending
    return op
  }

  const url = (req: SandboxRequest, provider: Provider, kind: 'status' | 'result', id: string): string => {
    const apiVersion = req.query.get('api-version')
    const base = `${req.origin}/subscriptions/${subscriptionId}/providers/${provider}/locations/${REGION}/${paths[provider][kind]}/${id}`
    return apiVersion ? `${base}?api-version=${apiVersion}` : base
  }

  return {
    start(spec, req) {
      const id = randomUUID()
      const now = Date.now()
      const op: Operation = { id, spec, startedAt: now, doneAt: now + spec.durationMs, status: 'InProgress' }
      ops.set(id, op)
      op.timer = setTimeout(() => void end(op), spec.durationMs)
      return {
        id,
        headers: {
          location: url(req, spec.provider, 'result', id),
          'azure-asyncoperation': url(req, spec.provider, 'status', id),
          'retry-after': '1'
        }
      }
    },
    isRunning(id) {
      return ops.get(id)?.status === 'InProgress'
    },
    async status(req) {
      req.operation = 'lro.status'
      const op = await find(req)
      // As recorded (__fixtures__/recordings/*-operation-status.json): a Container Apps status has no endTime,
      // even once Succeeded; a Managed Redis one shows endTime 0001-01-01T00:00:00+00:00 while it runs; the Cache
      // RP sends no Retry-After on its status URL, and the classic cache repeats that URL as Azure-AsyncOperation
      // and leaves the other fields null (azure-cli recording test_redis_cache_authentication.yaml).
      const app = op.spec.provider === 'Microsoft.App'
      const error = op.error ? { code: op.error.code, message: op.error.message } : undefined
      const running = op.spec.cacheKind === 'redisEnterprise' ? '0001-01-01T00:00:00+00:00' : undefined
      const endTime = op.endedAt ? (app ? undefined : new Date(op.endedAt).toISOString()) : running
      const body =
        op.spec.cacheKind === 'redis'
          ? {
              id: req.path,
              name: op.id,
              status: op.status,
              startTime: null,
              endTime: null,
              percentComplete: null,
              properties: null,
              error: error ?? null
            }
          : {
              id: req.path,
              name: op.id,
              status: op.status,
              startTime: new Date(op.startedAt).toISOString(),
              ...(endTime ? { endTime } : {}),
              ...(error ? { error } : {})
            }
      const headers: Record<string, string> = app && op.status === 'InProgress' ? { 'retry-after': '1' } : {}
      if (op.spec.cacheKind === 'redis')
        headers['azure-asyncoperation'] = `${req.origin}${req.path}?${req.query}`
      return { status: 200, headers, body }
    },
    async result(req) {
      req.operation = 'lro.poll'
      const op = await find(req)
      if (op.status === 'InProgress') {
        return {
          status: 202,
          headers: { location: `${req.origin}${req.path}?${req.query}`, 'retry-after': '1' }
        }
      }
      if (op.error) {
        throw armError(op.error.status ?? 400, op.error.code, op.error.message)
      }
      return op.spec.finalReply()
    },
    stop() {
      for (const op of ops.values()) clearTimeout(op.timer)
    }
  }
}
