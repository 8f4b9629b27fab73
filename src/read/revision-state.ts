import type { ContainerAppsClient } from '../azure/container-apps-client.js'
import type { RevisionStatus } from '../domain/revision.js'

function runningStateDetailsIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('properties' in body)) return undefined
  const properties = body.properties
  if (typeof properties !== 'object' || properties === null || !('runningStateDetails' in properties))
    return undefined
  const details = properties.runningStateDetails
  return typeof details === 'string' && details ? details : undefined
}

/** One GET of the revision, keeping the running state's details from the body. */
export async function getRevisionStatus(
  apps: Pick<ContainerAppsClient, 'containerAppsRevisions'>,
  resourceGroup: string,
  app: string,
  name: string,
  options: { abortSignal?: AbortSignal }
): Promise<RevisionStatus> {
  let runningStateDetails: string | undefined
  const revision = await apps.containerAppsRevisions.getRevision(resourceGroup, app, name, {
    ...options,
    onResponse: response => {
      runningStateDetails = runningStateDetailsIn(response.parsedBody)
    }
  })
  return { ...revision, runningStateDetails }
}
