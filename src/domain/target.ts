export type TargetKind = 'app' | 'job'

/** Every kind, apps first. */
export const TARGET_KINDS: readonly TargetKind[] = ['app', 'job']

/** What the action connects: a container app (`Microsoft.App/containerApps`) or a job (`Microsoft.App/jobs`). */
export interface Target {
  kind: TargetKind
  name: string
  resourceGroup: string
}

/** What differs between a container app and a Container Apps job, in words and in what each has. */
export interface Workload {
  /** The segment of its resource type: `Microsoft.App/{resourceType}`. */
  resourceType: 'containerApps' | 'jobs'
  /** "Container app": the title of its kind, for reports and links. */
  title: string
  /** "container app": before its name in a sentence. */
  described: string
  /** "app": the short noun of a sentence ("the app has no …"). */
  noun: 'app' | 'job'
  /** "App": the short noun at the start of a title ("App has the managed identity"). */
  nounTitle: 'App' | 'Job'
  /** The title of the variables step. */
  variablesTitle: string
  /** Before its name in headlines and lists: an app goes plain, a job says what it is. */
  namePrefix: string
  /** Its name's prefix in the plan comment's marker, so a job never shares a comment with an app of its name. */
  markerPrefix: string
  /**
   * An app makes a revision of each template change, and the revision is what runs (and may fail); a job has none:
   * its next execution runs the template, and its PATCH failing is the template's failure.
   */
  hasRevisions: boolean
  /** Serves HTTP: health-url applies, and it has an address, revisions and a log stream in the portal. */
  servesHttp: boolean
}

export const WORKLOADS: Record<TargetKind, Workload> = {
  app: {
    resourceType: 'containerApps',
    title: 'Container app',
    described: 'container app',
    noun: 'app',
    nounTitle: 'App',
    variablesTitle: 'App variables',
    namePrefix: '',
    markerPrefix: '',
    hasRevisions: true,
    servesHttp: true
  },
  job: {
    resourceType: 'jobs',
    title: 'Container Apps job',
    described: 'Container Apps job',
    noun: 'job',
    nounTitle: 'Job',
    variablesTitle: 'Job variables',
    namePrefix: 'Container Apps job ',
    markerPrefix: 'job:',
    hasRevisions: false,
    servesHttp: false
  }
}

export function targetId(subscriptionId: string, t: Target): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${t.resourceGroup}/providers/Microsoft.App/${WORKLOADS[t.kind].resourceType}/${t.name}`
}

/** "container app orders-api" or "Container Apps job nightly-sync", for messages. */
export function describeTarget(t: Target): string {
  return `${WORKLOADS[t.kind].described} ${t.name}`
}

/** The title of the variables step. */
export function variablesTitle(kind: TargetKind): string {
  return WORKLOADS[kind].variablesTitle
}
