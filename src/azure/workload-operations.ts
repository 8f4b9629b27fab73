import type { ContainerApp, ManagedServiceIdentity, Revision } from '@azure/arm-appcontainers'
import type { Target, TargetKind } from '../domain/target.js'
import type { OnResponse } from './check-answer.js'
import type { ContainerAppsClient } from './container-apps-client.js'

/**
 * What the pipeline uses of an app or a job. Both GETs flatten `properties`, so a job (`Job`) fits as is: it has
 * the same `identity` and `template.containers`, and no revisions (`latestRevisionName` stays undefined).
 */
export type TargetResource = Pick<
  ContainerApp,
  'location' | 'identity' | 'template' | 'configuration' | 'latestRevisionName' | 'latestReadyRevisionName'
>

/** An app or a job as a subscription-wide list shows it. */
export interface ListedWorkload {
  id?: string
  name?: string
  identity?: ManagedServiceIdentity
}

interface ReadOptions {
  abortSignal?: AbortSignal
}
interface WriteOptions extends ReadOptions {
  updateIntervalInMs?: number
}

/** The Azure operations on one kind of workload. */
export interface WorkloadOperations {
  get(
    apps: ContainerAppsClient,
    t: Target,
    o: ReadOptions & { onResponse: OnResponse }
  ): Promise<TargetResource>
  patchIdentity(
    apps: ContainerAppsClient,
    t: Target,
    current: TargetResource,
    identity: ManagedServiceIdentity,
    o: WriteOptions
  ): Promise<TargetResource>
  /** The `template` of a PATCH that sets these containers. */
  template(containers: Record<string, unknown>[]): Record<string, unknown>
  listBySubscription(
    apps: ContainerAppsClient,
    o: ReadOptions & { onResponse: OnResponse }
  ): AsyncIterable<ListedWorkload>
  /** An app's revisions; a job has none. */
  listRevisions?(apps: ContainerAppsClient, t: Target, o: ReadOptions): AsyncIterable<Revision>
}

/**
 * The app's identity PATCH body is flattened and carries `location`; the job's is not (`{ identity }`). Neither ever
 * sends `configuration` (a GET hides secret values). Only an app's template has `revisionSuffix`: `null` clears a
 * suffix kept from an earlier deployment, which the new revision would reuse and be refused for.
 */
export const WORKLOAD_OPERATIONS: Record<TargetKind, WorkloadOperations> = {
  app: {
    get: (apps, t, o) => apps.containerApps.get(t.resourceGroup, t.name, o),
    patchIdentity: (apps, t, current, identity, o) =>
      apps.containerApps.update(t.resourceGroup, t.name, { location: current.location, identity }, o),
    template: containers => ({ containers, revisionSuffix: null }),
    listBySubscription: (apps, o) => apps.containerApps.listBySubscription(o),
    listRevisions: (apps, t, o) => apps.containerAppsRevisions.listRevisions(t.resourceGroup, t.name, o)
  },
  job: {
    get: (apps, t, o) => apps.jobs.get(t.resourceGroup, t.name, o),
    patchIdentity: (apps, t, _current, identity, o) =>
      apps.jobs.update(t.resourceGroup, t.name, { identity }, o),
    template: containers => ({ containers }),
    listBySubscription: (apps, o) => apps.jobs.listBySubscription(o)
  }
}
