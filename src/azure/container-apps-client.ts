import type { TokenCredential } from '@azure/identity'
import type { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import {
  createContainerAppsAPI,
  type ContainerAppsAPIClientOptionalParams
} from '@azure/arm-appcontainers/api'
import * as containerApps from '@azure/arm-appcontainers/api/containerApps'
import * as jobs from '@azure/arm-appcontainers/api/jobs'
import * as revisions from '@azure/arm-appcontainers/api/containerAppsRevisions'

/**
 * The operations of ContainerAppsAPIClient this action calls, with the same signatures. Built from the SDK's
 * per-operation modules, because the client class constructs every operation group of the service and puts
 * 250 KB (a quarter of the bundle's start-up code) behind the first request; these take 40 KB.
 */
export interface ContainerAppsClient {
  containerApps: Pick<ContainerAppsAPIClient['containerApps'], 'get' | 'update' | 'listBySubscription'>
  jobs: Pick<ContainerAppsAPIClient['jobs'], 'get' | 'update' | 'listBySubscription'>
  containerAppsRevisions: Pick<
    ContainerAppsAPIClient['containerAppsRevisions'],
    'getRevision' | 'listRevisions'
  >
}

export function createContainerAppsClient(
  credential: TokenCredential,
  subscriptionId: string,
  options: ContainerAppsAPIClientOptionalParams
): ContainerAppsClient {
  const context = createContainerAppsAPI(credential, subscriptionId, options)
  return {
    containerApps: {
      get: (rg, name, o) => containerApps.get(context, rg, name, o),
      update: (rg, name, envelope, o) => containerApps.update(context, rg, name, envelope, o),
      // Only a disconnect lists them, to find the other carriers of a shared user-assigned identity.
      listBySubscription: o => containerApps.listBySubscription(context, o)
    },
    jobs: {
      get: (rg, name, o) => jobs.get(context, rg, name, o),
      update: (rg, name, envelope, o) => jobs.update(context, rg, name, envelope, o),
      listBySubscription: o => jobs.listBySubscription(context, o)
    },
    containerAppsRevisions: {
      getRevision: (rg, app, revision, o) => revisions.getRevision(context, rg, app, revision, o),
      // Only disable-access-keys lists them, to see every active revision before it turns the keys off.
      listRevisions: (rg, app, o) => revisions.listRevisions(context, rg, app, o)
    }
  }
}
