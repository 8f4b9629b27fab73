/** What an Azure SDK error carries, read defensively: RestError, modular client errors and poller failures differ. */
export interface AzureErrorInfo {
  status?: number
  code?: string
  message: string
  retryAfterMs?: number
  correlationId?: string
}

export function readAzureError(error: unknown): AzureErrorInfo {
  const e = (error ?? {}) as {
    statusCode?: number
    status?: number
    code?: string
    message?: string
    details?: { error?: { code?: string; message?: string } } | { code?: string; message?: string }
    response?: {
      status?: number
      headers?: { get?(name: string): string | undefined }
      bodyAsText?: string | null
    }
  }
  const status = e.statusCode ?? e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined)
  let code = e.code
  let message = e.message ?? String(error)
  const fromBody = parseArmError(e.response?.bodyAsText)
  const details =
    (e.details as { error?: { code?: string; message?: string } })?.error ??
    (e.details as { code?: string; message?: string })
  const armCode = fromBody?.code ?? details?.code
  if (armCode) code = armCode
  if (fromBody?.message) message = fromBody.message
  const retryAfter = e.response?.headers?.get?.('retry-after')
  const correlationId = e.response?.headers?.get?.('x-ms-correlation-request-id')
  return {
    status,
    code,
    message: message.replace(/\s+/g, ' ').trim(),
    retryAfterMs: retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined,
    correlationId
  }
}

function parseArmError(body: string | null | undefined): { code?: string; message?: string } | undefined {
  if (!body) return undefined
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } }
    return parsed.error
  } catch {
    return undefined
  }
}
