import type { Target } from '../read/target.js'

export function portalLink(portal: string, resourceId: string): string {
  return `${portal}/#@/resource${resourceId}`
}

export function appResourceId(subscriptionId: string, resourceGroup: string, app: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/${app}`
}

export function jobResourceId(subscriptionId: string, resourceGroup: string, job: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/jobs/${job}`
}

/** The app's or the job's resource ID. */
export function targetResourceId(subscriptionId: string, target: Target): string {
  return (target.kind === 'job' ? jobResourceId : appResourceId)(
    subscriptionId,
    target.resourceGroup,
    target.name
  )
}

export function cacheResourceId(subscriptionId: string, resourceGroup: string, cache: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/redis/${cache}`
}
