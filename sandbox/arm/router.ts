// Turns ARM route specs into HTTP routes with ARM's checks in ARM's order: authentication, api-version,
// subscription, RBAC, resource group, management locks.
import type { Entra } from '../entra.ts'
import type { Reply, Route, SandboxRequest } from '../http.ts'
import type { SandboxState } from '../state.ts'
import { checkApiVersion, servedType } from './api-versions.ts'
import { authenticate, authorize } from './auth.ts'
import { armError, invalidRequestContent, resourceGroupNotFound } from './errors.ts'
import { rejectIfLocked } from './locks.ts'

export interface ArmRouteSpec {
  method: string
  /** capture groups: subscription first, then (for resource group scoped routes) the resource group */
  pattern: RegExp
  operation: string
  /** RBAC action checked on `scope(req)` (default: the request path); absent: authentication only */
  action?: string
  scope?(req: SandboxRequest): string
  /** the route is not inside a resource group (its second group is something else) */
  subscriptionLevel?: boolean
  handle(req: SandboxRequest, callerObjectId: string): Reply | Promise<Reply>
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/

export function armRoutes(state: SandboxState, entra: Entra, specs: ArmRouteSpec[]): Route[] {
  return specs.map(spec => ({
    method: spec.method,
    pattern: spec.pattern,
    operation: spec.operation,
    async handle(req: SandboxRequest): Promise<Reply> {
      const caller = authenticate(state, entra, req)
      const apiVersion = req.query.get('api-version')
      if (!apiVersion) {
        throw armError(
          400,
          'MissingApiVersionParameter',
          'The api-version query parameter (?api-version=) is required for all requests.'
        )
      }
      if (!API_VERSION.test(apiVersion)) {
        throw armError(
          400,
          'InvalidApiVersionParameter',
          `The api-version '${apiVersion}' is invalid. An api-version has the form 'yyyy-MM-dd' or 'yyyy-MM-dd-preview'.`
        )
      }
      const served = servedType(spec.operation)
      const unserved = served && checkApiVersion(served, state.cloud, apiVersion)
      if (unserved) throw unserved
      if (req.params[0].toLowerCase() !== state.subscriptionId.toLowerCase()) {
        throw armError(404, 'SubscriptionNotFound', `The subscription '${req.params[0]}' could not be found.`)
      }
      if (spec.action) authorize(state, caller, spec.action, spec.scope ? spec.scope(req) : req.path)
      const rg = req.params[1]
      if (!spec.subscriptionLevel && rg !== undefined && !state.resourceGroups.has(rg.toLowerCase()))
        throw resourceGroupNotFound(rg)
      if (!spec.subscriptionLevel && rg !== undefined) rejectIfLocked(state, req, rg)
      if (req.bodyError !== undefined) throw invalidRequestContent(req.bodyError)
      return spec.handle(req, caller)
    }
  }))
}

/** The resource id prefix of a resource-group scoped route, from its first two groups. */
export const groupId = (req: SandboxRequest): string =>
  `/subscriptions/${req.params[0]}/resourceGroups/${req.params[1]}`
