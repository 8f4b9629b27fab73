export type TargetKind = 'app' | 'job'

/** What the action connects: a container app (`Microsoft.App/containerApps`) or a job (`Microsoft.App/jobs`). */
export interface Target {
  kind: TargetKind
  name: string
  resourceGroup: string
}

/** The segment of each kind's resource type. */
const RESOURCE_TYPE: Record<TargetKind, string> = { app: 'containerApps', job: 'jobs' }

export function targetId(subscriptionId: string, t: Target): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${t.resourceGroup}/providers/Microsoft.App/${RESOURCE_TYPE[t.kind]}/${t.name}`
}

/** "container app orders-api" or "Container Apps job nightly-sync", for messages. */
export function describeTarget(t: Target): string {
  return t.kind === 'job' ? `Container Apps job ${t.name}` : `container app ${t.name}`
}

/** The title of the target's kind, for reports and links. */
export function kindTitle(kind: TargetKind): string {
  return kind === 'job' ? 'Container Apps job' : 'Container app'
}

/** The title of the variables step. */
export function variablesTitle(kind: TargetKind): string {
  return kind === 'job' ? 'Job variables' : 'App variables'
}
