// The subscription-wide lists of Microsoft.App: GET /subscriptions/{sub}/providers/Microsoft.App/containerApps and
// …/jobs (ContainerApps_ListBySubscription and Jobs_ListBySubscription in the 2024-03-01 REST spec), each item as its
// GET answers it (secret values hidden), paged with nextLink. RBAC is checked on the subscription itself: a caller
// whose roles are on resource groups only gets 403 AuthorizationFailed over scope '/subscriptions/{sub}'.
import type { SandboxRequest } from '../http.ts'
import type { SandboxState } from '../state.ts'
import { isWriteRunning } from './app-pending-write.ts'
import { appView } from './container-apps.ts'
import { jobView } from './jobs.ts'
import type { Operations } from './operations.ts'
import { pagedList } from './paging.ts'
import type { ArmRouteSpec } from './router.ts'

const subscription = (req: SandboxRequest): string => `/subscriptions/${req.params[0]}`

export function subscriptionListRoutes(s: SandboxState, ops: Operations): ArmRouteSpec[] {
  return [
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.App\/containerApps$/i,
      operation: 'containerApps.listBySubscription',
      action: 'Microsoft.App/containerApps/read',
      scope: subscription,
      subscriptionLevel: true,
      handle: req =>
        pagedList(req, [...s.apps.values()], app => appView(s, app, { running: isWriteRunning(ops, app) }))
    },
    {
      method: 'GET',
      pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.App\/jobs$/i,
      operation: 'jobs.listBySubscription',
      action: 'Microsoft.App/jobs/read',
      scope: subscription,
      subscriptionLevel: true,
      handle: req =>
        pagedList(req, [...s.jobs.values()], job => jobView(s, job, { running: isWriteRunning(ops, job) }))
    }
  ]
}
