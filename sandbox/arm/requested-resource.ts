// The resource a resource-group scoped route names (groups: subscription, resource group, name), or ARM's 404.
import type { SandboxRequest } from '../http.ts'
import { resourceKey } from '../state.ts'
import { resourceNotFound } from './errors.ts'

/** `type` as the 404 names it, e.g. 'Microsoft.App/jobs'. */
export function requestedResource<T>(resources: Map<string, T>, type: string, req: SandboxRequest): T {
  const resource = resources.get(resourceKey(req.params[1], req.params[2]))
  if (!resource) throw resourceNotFound(type, req.params[2], req.params[1])
  return resource
}
