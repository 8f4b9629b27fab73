import { readAzureError } from './azure-error.js'
import {
  isAuthorizationFailure,
  isNotFound,
  isPrincipalUnknown,
  isScopeLocked,
  lockedScopes,
  refusedAction
} from './classify.js'
import type { ManagementLock } from './locks.js'

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
export function explainAzureError(
  error: unknown,
  doing: string,
  context: { locks?: ManagementLock[] } = {}
): ExplainedError {
  const info = readAzureError(error)
  const base = { status: info.status, code: info.code }
  const correlation = info.correlationId ? ` (correlation id ${info.correlationId})` : ''
  if (isScopeLocked(info)) {
    return { ...base, ...explainLock(doing, lockedScopes(info), context.locks ?? [], correlation) }
  }
  if (isPrincipalUnknown(info)) {
    return {
      ...base,
      message: `Could not ${doing}: ${info.message}${info.code ? ` (${info.code})` : ''}${correlation}`,
      fix: 'The identity exists (Azure reports it on the app), but the Redis resource provider still did not know it when the action stopped retrying: Microsoft Entra replication can take minutes. Rerun the action; it continues where it stopped.'
    }
  }
  if (isAuthorizationFailure(info)) {
    const { action, scope } = refusedAction(info)
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
  if (isNotFound(info)) {
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

const describeScope = (scope: string): string => {
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(scope)?.[1]
  if (group) return `resource group ${group}`
  if (/^\/subscriptions\/[^/]+$/i.test(scope)) return `subscription ${scope.split('/')[2]}`
  return scope
}

function listLocksCommand(scope: string): string {
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(scope)?.[1]
  if (group) return `az lock list --resource-group ${group}`
  if (/\/providers\//i.test(scope)) return `az lock list --resource "${scope}"`
  return 'az lock list'
}

/**
 * A management lock is permanent until someone lifts it: name it (when it could be read) and say how to lift it.
 * A ReadOnly lock refuses every write; a CanNotDelete lock refuses deletes.
 */
function explainLock(
  doing: string,
  scopes: string[],
  locks: ManagementLock[],
  correlation: string
): { message: string; fix: string } {
  const where = scopes.length ? scopes.map(describeScope).join(', ') : 'a parent scope'
  const named = locks.map(
    l => `${l.level} lock '${l.name}' on ${describeScope(l.scope)}${l.notes ? ` (notes: "${l.notes}")` : ''}`
  )
  const what = named.length ? named.join('; ') : `a management lock on ${where}`
  const lift = locks.length
    ? locks.map(l => `az lock delete --ids "${l.id}"`).join(' and ')
    : `${(scopes.length ? scopes : ['']).map(listLocksCommand).join('; ')}, then az lock delete --ids <the lock's id>`
  return {
    message: `Could not ${doing}: ${what} blocks this change (ScopeLocked). Azure refuses writes under a ReadOnly lock and deletes under a CanNotDelete lock, whatever the role.${correlation}`,
    fix: `Lift the lock for the deployment and put it back afterwards: ${lift}. Removing a lock needs Owner or User Access Administrator (Microsoft.Authorization/locks/delete). Then rerun the action; it continues where it stopped.`
  }
}
