import type { AzureErrorInfo } from './azure-error.js'

export type FailureClass = 'throttled' | 'busy' | 'transient' | 'not-replicated' | 'final'

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR'
])

/**
 * Sorts a failure into what to do about it. `principalIsNew` says the principal was created in this run, so
 * "principal not found" means Entra has not replicated it to the resource provider yet.
 */
export function classifyFailure(
  info: AzureErrorInfo,
  context: { principalIsNew?: boolean } = {}
): FailureClass {
  const text = `${info.code ?? ''} ${info.message}`
  if (info.status === 429) return 'throttled'
  if (
    info.status === 409 &&
    /busy processing|OperationInProgress|another operation|in progress|Conflict/i.test(text)
  )
    return 'busy'
  if (/ContainerAppOperationInProgress|AnotherOperationInProgress/i.test(text)) return 'busy'
  if (
    context.principalIsNew &&
    /PrincipalNotFound|does not exist in the directory|replication delay/i.test(text)
  )
    return 'not-replicated'
  if (info.status !== undefined && info.status >= 500) return 'transient'
  if (info.status === 408) return 'transient'
  if (info.code && TRANSIENT_CODES.has(info.code)) return 'transient'
  return 'final'
}
