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

/**
 * The network codes the SDK pipeline retries itself (core-rest-pipeline's exponentialRetryStrategy, isSystemError);
 * any other failure to send is thrown to the caller at once.
 */
const PIPELINE_RETRIED_NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOENT',
  'ENOTFOUND'
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
const SCOPE_LOCKED = 'scopelocked'

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
  if (context.principalOnApp && isPrincipalUnknown(info)) return 'not-replicated'
  if (info.status !== undefined && info.status >= 500) return 'transient'
  if (info.status === 408) return 'transient'
  if (info.code && TRANSIENT_NETWORK_CODES.has(info.code)) return 'transient'
  return 'final'
}

/**
 * A throttling or transport failure that the SDK pipeline hands back without retrying: a 429 without Retry-After
 * (its throttling strategy needs the header, its exponential one skips 429) and a failure to send whose code it
 * does not know (EPIPE, EAI_AGAIN, REQUEST_SEND_ERROR). Every other 429, 408, 5xx and reset was retried there
 * until the deadline, so reaching the caller means the deadline is over.
 */
export function isLeftByPipeline(info: AzureErrorInfo, kind: FailureClass): boolean {
  if (kind === 'throttled') return info.retryAfterMs === undefined
  if (kind !== 'transient' || info.status !== undefined) return false
  return info.code !== undefined && !PIPELINE_RETRIED_NETWORK_CODES.has(info.code)
}

/** The resource provider does not know the principal (yet): RBAC's code, or either of the Redis RP's answers. */
export function isPrincipalUnknown(info: AzureErrorInfo): boolean {
  const codes = codesOf(info)
  if (codes.includes(PRINCIPAL_NOT_FOUND_CODE)) return true
  if (info.status === 400 && PRINCIPAL_NOT_IN_DIRECTORY.test(info.message)) return true
  return codes.includes(INVALID_ASSIGNMENT_CODE) && OBJECT_ID_INVALID.test(info.message)
}

/** A write refused by a management lock. */
export const isScopeLocked = (info: AzureErrorInfo): boolean => codesOf(info).includes(SCOPE_LOCKED)

/**
 * The scopes a `ScopeLocked` answer names: "The scope '…' cannot perform write operation because following
 * scope(s) are locked: '…'. Please remove the lock and try again."
 */
export function lockedScopes(info: AzureErrorInfo): string[] {
  const list = /are locked:\s*(.*?)\.\s*Please remove/i.exec(info.message)?.[1] ?? ''
  return [...list.matchAll(/'([^']+)'/g)].flatMap(m => m[1].split(',').map(s => s.trim())).filter(Boolean)
}

/** The caller may not perform the action (RBAC). */
export const isAuthorizationFailure = (info: AzureErrorInfo): boolean =>
  info.status === 403 || /AuthorizationFailed/i.test(info.code ?? '')

/** What an AuthorizationFailed answer says was refused: "… does not have authorization to perform action '…' over scope '…'". */
export function refusedAction(info: AzureErrorInfo): { action?: string; scope?: string } {
  return {
    action: /perform action '([^']+)'/i.exec(info.message)?.[1],
    scope: /over scope '([^']+)'/i.exec(info.message)?.[1]
  }
}

/** The resource (or its parent) does not exist. */
export const isNotFound = (info: AzureErrorInfo): boolean =>
  info.status === 404 || /NotFound/i.test(info.code ?? '')

// The classic cache says "duplicate entries"; Managed Redis says the user already has an assignment.
const DUPLICATE_ASSIGNMENT = /duplicate entries|already has an? (access policy )?assignment/i

/** The cache already has an access policy assignment for this object id (under another name). */
export const isDuplicateAssignment = (info: AzureErrorInfo): boolean =>
  DUPLICATE_ASSIGNMENT.test(info.message)

/**
 * A Container Apps PATCH whose new revision failed to provision: the PATCH's own operation fails with
 * ContainerAppOperationError, or (as the poller words a failed operation) with text naming the revision.
 */
export const isRevisionFailure = (info: AzureErrorInfo): boolean =>
  /ContainerAppOperationError/i.test(info.code ?? '') ||
  /provision revision|revision .* failed/i.test(info.message)

/** Microsoft Entra refused the sign-in: the identity library's error names, or an AADSTS code in the text. */
export function isSignInFailure(error: unknown): boolean {
  const e = (error ?? {}) as { name?: unknown; message?: unknown }
  const name = typeof e.name === 'string' ? e.name : ''
  const message = typeof e.message === 'string' ? e.message : ''
  return (
    /AuthenticationError|CredentialUnavailableError|AuthenticationRequiredError/.test(name) ||
    /AADSTS\d+/.test(message)
  )
}

/** A request that an abort signal ended (the SDKs' AbortError, or their "aborted" text). */
export function isAborted(error: unknown): boolean {
  const e = (error ?? {}) as { name?: unknown; message?: unknown }
  return e.name === 'AbortError' || (typeof e.message === 'string' && /aborted/i.test(e.message))
}
