import { readAzureError } from './azure-error.js'

/** Least-privilege built-in roles that grant each action this action performs. */
const ROLE_FOR_ACTION: [RegExp, string][] = [
  [
    /^Microsoft\.App\/containerApps\/(read|write|listSecrets\/action|revisions\/read)/i,
    'Container Apps Contributor (or Contributor) on the container app'
  ],
  [/^Microsoft\.App\/jobs\//i, 'Container Apps Jobs Contributor (or Contributor) on the job'],
  [/^Microsoft\.Cache\/redis\//i, 'Redis Cache Contributor (or Contributor) on the cache'],
  [
    /^Microsoft\.Cache\/redisEnterprise\//i,
    'Redis Cache Contributor (or Contributor) on the Azure Managed Redis cluster'
  ],
  [
    /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action/i,
    'Managed Identity Operator on the user-assigned identity'
  ],
  [
    /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/read/i,
    'Managed Identity Operator (or Reader) on the user-assigned identity'
  ]
]

export interface ExplainedError {
  message: string
  fix?: string
  status?: number
  code?: string
}

/** Turns an Azure failure into a sentence naming what failed, why, and what to change. */
export function explainAzureError(error: unknown, doing: string): ExplainedError {
  const info = readAzureError(error)
  const base = { status: info.status, code: info.code }
  const correlation = info.correlationId ? ` (correlation id ${info.correlationId})` : ''
  if (info.status === 403 || /AuthorizationFailed/i.test(info.code ?? '')) {
    const action = /perform action '([^']+)'/i.exec(info.message)?.[1]
    const scope = /over scope '([^']+)'/i.exec(info.message)?.[1]
    const role = action ? ROLE_FOR_ACTION.find(([pattern]) => pattern.test(action))?.[1] : undefined
    return {
      ...base,
      message: `Could not ${doing}: the workflow identity is not allowed to${action ? ` perform ${action}` : ''}${scope ? ` on ${scope}` : ''}.${correlation}`,
      fix: `Grant the workflow identity ${role ?? 'a role that allows this action'}${scope ? ` (scope ${scope})` : ''}. Role assignments can take a few minutes to apply. The README lists the least permissions this action needs.`
    }
  }
  if (info.status === 401) {
    return {
      ...base,
      message: `Could not ${doing}: Azure refused the access token (${info.code ?? '401'}): ${info.message}${correlation}`,
      fix: 'Check that tenant-id and subscription-id belong together and that the workflow identity exists in that tenant.'
    }
  }
  if (info.status === 404 || /NotFound/i.test(info.code ?? '')) {
    return {
      ...base,
      message: `Could not ${doing}: ${info.message}${correlation}`,
      fix: 'Check the names, the resource groups and the subscription-id inputs; names of Azure resources are exact.'
    }
  }
  return {
    ...base,
    message: `Could not ${doing}: ${info.message}${info.code ? ` (${info.code})` : ''}${correlation}`
  }
}
