import type { ResourceManagementContext } from '@azure/arm-resources/api'
import { readAzureError } from './azure-error.js'
import { isScopeLocked, lockedScopes } from './classify.js'

/** A management lock (Microsoft.Authorization/locks) that blocks a write. */
export interface ManagementLock {
  id: string
  name: string
  level: string
  notes?: string
  /** the subscription, resource group or resource the lock is on */
  scope: string
}

/** The api-version of Microsoft.Authorization/locks that every cloud serves (Learn, "Lock your resources"). */
const LOCKS_API_VERSION = '2016-09-01'

interface LockJson {
  id?: string
  name?: string
  properties?: { level?: string; notes?: string | null }
}

/**
 * The locks on the scopes a `ScopeLocked` failure names, so the failure can say which lock to lift. ARM's answer
 * names the locked scope, not the lock. Reading locks needs `Microsoft.Authorization/locks/read` (Reader and
 * Contributor have it); when it fails, no lock is named and the scope alone is reported.
 */
export async function locksBehind(
  resources: ResourceManagementContext,
  error: unknown,
  signal: AbortSignal
): Promise<ManagementLock[]> {
  const info = readAzureError(error)
  if (!isScopeLocked(info)) return []
  const scopes = lockedScopes(info)
  const found = await Promise.all(
    scopes.map(scope => locksAt(resources, scope, signal).catch((): ManagementLock[] => []))
  )
  return found.flat()
}

async function locksAt(
  resources: ResourceManagementContext,
  scope: string,
  signal: AbortSignal
): Promise<ManagementLock[]> {
  const bare = scope.replace(/^\/+/, '').replace(/\/+$/, '')
  const response = await resources
    .pathUnchecked(`${bare}/providers/Microsoft.Authorization/locks`)
    .get({ queryParameters: { 'api-version': LOCKS_API_VERSION }, abortSignal: signal })
  if (response.status !== '200') return []
  const own = `/${bare}/providers/microsoft.authorization/locks/`.toLowerCase()
  return ((response.body as { value?: LockJson[] }).value ?? [])
    .filter(l => l.id?.toLowerCase().startsWith(own) && l.name)
    .map(l => ({
      id: l.id ?? '',
      name: l.name ?? '',
      level: l.properties?.level ?? 'unknown',
      notes: l.properties?.notes ?? undefined,
      scope: `/${bare}`
    }))
}
