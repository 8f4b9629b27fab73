import type { PipelinePolicy } from '@azure/core-rest-pipeline'

/** One write the run sent to Azure Resource Manager, with the ids Azure support asks for. */
export interface WriteRecord {
  /** When the answer came, ms since the epoch. */
  at: number
  method: string
  /** The resource, from its provider on: "Microsoft.App/containerApps/orders-api". */
  resource: string
  status: number
  correlationId?: string
  requestId?: string
}

const WRITES = new Set(['PUT', 'PATCH', 'DELETE', 'POST'])

/** The part of an ARM path that names the resource; the subscription and resource group are in the summary. */
export function resourceOf(path: string): string {
  const at = path.lastIndexOf('/providers/')
  return decodeURIComponent(at >= 0 ? path.slice(at + '/providers/'.length) : path)
}

/**
 * Records every write's answer (each attempt: a retried write has an id per attempt), never a header value other
 * than the two ids, and never a body.
 */
export class WriteLog {
  readonly entries: WriteRecord[] = []

  policy(): PipelinePolicy {
    return {
      name: 'connectRedisWriteLog',
      sendRequest: async (request, next) => {
        const response = await next(request)
        if (WRITES.has(request.method)) {
          this.entries.push({
            at: Date.now(),
            method: request.method,
            resource: resourceOf(new URL(request.url).pathname),
            status: response.status,
            correlationId: response.headers.get('x-ms-correlation-request-id') ?? undefined,
            requestId: response.headers.get('x-ms-request-id') ?? undefined
          })
        }
        return response
      }
    }
  }
}
