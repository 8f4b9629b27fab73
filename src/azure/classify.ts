import type { AzureErrorInfo } from './azure-error.js'

/**
 * What to do about a failure: `throttled`, `busy`, `transient` and `not-replicated` are "later" (retried, bounded by
 * the deadline); `locked` (a management lock) and `final` are not retried.
 */
export type FailureClass = 'throttled' | 'busy' | 'transient' | 'not-replicated' | 'locked' | 'final'

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'REQUEST_SEND_ERROR'
])

/** 409 codes that mean "another operation is running on this resource" (Container Apps, ARM). */
const BUSY_CODES = new Set([
  'containerappoperationinprogress',
  'containerapplockconflict',
  'anotheroperationinprogress'
])

/**
 * The classic cache answers its one-update-at-a-time 409 with ARM's generic code `Conflict`; only its text says it
 * is busy. `Conflict` with any other text is not retried.
 */
const CACHE_BUSY = /busy processing a previous update request/i

/** ARM's code for a write refused by a management lock (ReadOnly, or CanNotDelete for a delete). */
export const SCOPE_LOCKED = 'scopelocked'

/** Entra's replication delay as resource providers word it (RBAC's `PrincipalNotFound`; the Redis RP's text). */
const PRINCIPAL_NOT_FOUND_CODE = 'principalnotfound'
const PRINCIPAL_NOT_IN_DIRECTORY = /does not exist in the directory/i
/** The Redis RP's answer for an object id it cannot resolve (seen for groups). */
const INVALID_ASSIGNMENT_CODE = 'invalidaccesspolicyassignment'
const OBJECT_ID_INVALID = /requested access policy assignment \(objectId: [^)]*\) is invalid/i

/**
 * The codes of a failure: its own and any nested in its message, as ARM deployments wrap an RP's error
 * (`Conflict` whose message is `{"code": "ContainerAppLockConflict", …}`, microsoft/azure-container-apps#175).
 */
function codesOf(info: AzureErrorInfo): string[] {
  const nested = [...info.message.matchAll(/"code"\s*:\s*"([A-Za-z]+)"/g)].map(m => m[1])
  return [info.code ?? '', ...nested].filter(Boolean).map(c => c.toLowerCase())
}

/**
 * Sorts a failure by explicit codes (and, where Azure gives only the generic `Conflict` or no known code, by the
 * documented text). `principalOnApp` says Azure reports the principal on the app's identity, so it exists in
 * Entra: "principal not found" then means the resource provider has not caught up yet.
 */
export function classifyFailure(
  info: AzureErrorInfo,
  context: { principalOnApp?: boolean } = {}
): FailureClass {
  const codes = codesOf(info)
  if (info.status === 429) return 'throttled'
  if (codes.includes(SCOPE_LOCKED)) return 'locked'
  if (codes.some(c => BUSY_CODES.has(c))) return 'busy'
  if (info.status === 409 && codes.includes('conflict') && CACHE_BUSY.test(info.message)) return 'busy'
  if (context.principalOnApp && isPrincipalUnknown(info, codes)) return 'not-replicated'
  if (info.status !== undefined && info.status >= 500) return 'transient'
  if (info.status === 408) return 'transient'
  if (info.code && TRANSIENT_NETWORK_CODES.has(info.code)) return 'transient'
  return 'final'
}

function isPrincipalUnknown(info: AzureErrorInfo, codes: string[]): boolean {
  if (codes.includes(PRINCIPAL_NOT_FOUND_CODE)) return true
  if (info.status === 400 && PRINCIPAL_NOT_IN_DIRECTORY.test(info.message)) return true
  return codes.includes(INVALID_ASSIGNMENT_CODE) && OBJECT_ID_INVALID.test(info.message)
}
