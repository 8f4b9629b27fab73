// Management locks (Microsoft.Authorization/locks) on resource groups: a ReadOnly lock refuses every write (PUT,
// PATCH, POST, DELETE) to the group and the resources in it, a CanNotDelete lock refuses deletes; both whatever the
// caller's role. Sources: Learn "Lock your resources to protect your infrastructure"; the 409 ScopeLocked body as
// seen in Azure/azure-sdk-for-java#2560.
import type { SandboxRequest } from '../http.ts'
import { rgId } from '../state.ts'
import type { LockState, SandboxState } from '../state.ts'
import { armError } from './errors.ts'
import type { ArmRouteSpec } from './router.ts'
import type { LockView } from './wire.ts'

const WRITES = new Set(['PUT', 'PATCH', 'POST', 'DELETE'])

export const lockId = (s: SandboxState, rg: string, name: string): string =>
  `${rgId(s, rg)}/providers/Microsoft.Authorization/locks/${name}`

/** Refuses a write under a lock of the request's resource group, with ARM's 409 ScopeLocked. */
export function rejectIfLocked(s: SandboxState, req: SandboxRequest, rg: string): void {
  if (!WRITES.has(req.method)) return
  const locks = s.locks.get(rg.toLowerCase()) ?? []
  const blocking = locks.some(l => l.level === 'ReadOnly' || req.method === 'DELETE')
  if (!blocking) return
  const operation = req.method === 'DELETE' ? 'delete' : 'write'
  throw armError(
    409,
    'ScopeLocked',
    `The scope '${req.path}' cannot perform ${operation} operation because following scope(s) are locked: '${rgId(s, rg)}'. Please remove the lock and try again.`
  )
}

function lockView(s: SandboxState, rg: string, lock: LockState): LockView {
  return {
    id: lockId(s, rg, lock.name),
    type: 'Microsoft.Authorization/locks',
    name: lock.name,
    properties: { level: lock.level, notes: lock.notes ?? null, owners: null }
  }
}

/** GET …/resourceGroups/{rg}/providers/Microsoft.Authorization/locks (api-version 2016-09-01 in every cloud). */
export function lockRoutes(s: SandboxState): ArmRouteSpec[] {
  return [
    {
      method: 'GET',
      pattern:
        /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Authorization\/locks$/i,
      operation: 'locks.list',
      action: 'Microsoft.Authorization/locks/read',
      handle: req => {
        const rg = req.params[1]
        const value = (s.locks.get(rg.toLowerCase()) ?? []).map(l => lockView(s, rg, l))
        return { status: 200, body: { value } }
      }
    }
  ]
}
