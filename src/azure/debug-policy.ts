import * as core from '@actions/core'
import type { PipelinePolicy } from '@azure/core-rest-pipeline'
import { logSafe } from '../domain/text.js'

const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/**
 * Logs every request with its correlation ids when RUNNER_DEBUG is on, and every answer the SDK's own retry
 * policy will retry, always. Never logs headers or bodies, so no token can leak through it.
 */
export function requestLoggingPolicy(): PipelinePolicy {
  return {
    name: 'connectRedisRequestLogging',
    async sendRequest(request, next) {
      const started = Date.now()
      const path = new URL(request.url).pathname
      try {
        const response = await next(request)
        const correlation = response.headers.get('x-ms-correlation-request-id') ?? '-'
        if (core.isDebug()) {
          core.debug(
            `${request.method} ${path} → ${response.status} in ${Date.now() - started} ms (client-request-id ${request.requestId}, correlation ${correlation})`
          )
        }
        if (RETRIED_STATUSES.has(response.status)) {
          const retryAfter = response.headers.get('retry-after')
          core.info(
            `Azure answered ${response.status} to ${request.method} ${path}${retryAfter ? ` (Retry-After ${logSafe(retryAfter)})` : ''}; retrying until timeout-minutes (correlation ${logSafe(correlation)}).`
          )
        }
        return response
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name
        if (code !== 'AbortError')
          core.info(
            `${request.method} ${path} failed with ${logSafe(code)}; the SDK retries it when it is transient, until timeout-minutes.`
          )
        throw error
      }
    }
  }
}
