// The read routes container apps and jobs have alike: GET (secret values hidden) and POST listSecrets (the values).
import type { SandboxRequest } from '../http.ts'
import { clone } from '../state.ts'
import type { AppResourceState } from '../state.ts'
import { isWriteRunning } from './app-pending-write.ts'
import type { Operations } from './operations.ts'
import type { ArmRouteSpec } from './router.ts'

export function appReadRoutes<T extends AppResourceState>(
  ops: Operations,
  o: {
    /** pattern source of the resource path, e.g. `^\/subscriptions\/…\/jobs\/([^/]+)` */
    path: string
    /** resource type, e.g. 'Microsoft.App/jobs': the actions are `${type}/read` and `${type}/listSecrets/action` */
    type: string
    /** prefix of the operation names, e.g. 'jobs' */
    operations: string
    find(req: SandboxRequest): T
    view(app: T, o: { running: boolean }): unknown
    /** the resource id listSecrets is authorized on */
    scope(req: SandboxRequest): string
  }
): ArmRouteSpec[] {
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${o.path}$`, 'i'),
      operation: `${o.operations}.get`,
      action: `${o.type}/read`,
      handle: req => {
        const app = o.find(req)
        return { status: 200, body: o.view(app, { running: isWriteRunning(ops, app) }) }
      }
    },
    {
      method: 'POST',
      pattern: new RegExp(`${o.path}\\/listSecrets$`, 'i'),
      operation: `${o.operations}.listSecrets`,
      action: `${o.type}/listSecrets/action`,
      scope: o.scope,
      handle: req => {
        const secrets = o.find(req).properties.configuration?.secrets ?? []
        return { status: 200, body: { value: clone(secrets) } }
      }
    }
  ]
}
