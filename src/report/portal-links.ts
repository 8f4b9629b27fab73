export function portalLink(portal: string, resourceId: string): string {
  return `${portal}/#@/resource${resourceId}`
}

export function appResourceId(subscriptionId: string, resourceGroup: string, app: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.App/containerApps/${app}`
}

export function cacheResourceId(subscriptionId: string, resourceGroup: string, cache: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/redis/${cache}`
}
