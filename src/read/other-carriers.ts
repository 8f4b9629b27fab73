import { readAzureError } from '../azure/azure-error.js'
import { endedByStop } from './read-error.js'
import { findUserAssigned } from '../domain/identities.js'
import type { AzureClients } from '../azure/clients.js'
import { describeTarget, TARGET_KINDS, WORKLOADS, type TargetKind } from '../domain/target.js'
import { readList } from '../azure/check-answer.js'
import { UnexpectedAnswerError } from '../azure/unexpected-answer.js'
import { WORKLOAD_OPERATIONS, type ListedWorkload } from '../azure/workload-operations.js'

/** Another container app or job that has the identity attached. */
export interface Carrier {
  kind: TargetKind
  name: string
  resourceGroup: string
}

/** What the subscription-wide look for other carriers of an identity found, or why it could not look. */
export type CarriersLookup =
  | { looked: true; carriers: Carrier[] }
  | {
      looked: false
      status?: number
      code?: string
      message: string
      /** The listing was answered by something other than Azure (a proxy's page, `{}`). */
      notAzure?: true
    }

const resourceGroupOf = (id: string | undefined): string =>
  /\/resourceGroups\/([^/]+)\//i.exec(id ?? '')?.[1] ?? ''

/**
 * The container apps and jobs of the run's subscription, other than `exclude` (resource IDs, any casing), that
 * carry the user-assigned identity. A refused or failed list is an answer too (`looked: false`): the caller must
 * not take it for "nobody else". Only a stop of the run (deadline, cancellation) is thrown.
 */
export async function findOtherCarriers(
  clients: AzureClients,
  o: { identityId: string; exclude: string[]; signal: AbortSignal }
): Promise<CarriersLookup> {
  const options = { abortSignal: o.signal }
  try {
    const excluded = new Set(o.exclude.map(id => id.toLowerCase()))
    const carriers = (kind: TargetKind, items: ListedWorkload[]): Carrier[] =>
      items
        .filter(item => !excluded.has((item.id ?? '').toLowerCase()))
        .filter(item => findUserAssigned(item.identity, o.identityId) !== undefined)
        .map(item => ({ kind, name: item.name ?? '', resourceGroup: resourceGroupOf(item.id) }))
    const byKind = await Promise.all(
      TARGET_KINDS.map(async kind =>
        carriers(
          kind,
          await readList(`a list of the ${WORKLOADS[kind].described}s of the subscription`, onResponse =>
            WORKLOAD_OPERATIONS[kind].listBySubscription(clients.apps, { ...options, onResponse })
          )
        )
      )
    )
    return { looked: true, carriers: byKind.flat() }
  } catch (error) {
    if (endedByStop(error) || o.signal.aborted) throw error
    if (error instanceof UnexpectedAnswerError)
      return { looked: false, message: error.message, notAzure: true }
    const { status, code, message } = readAzureError(error)
    return { looked: false, status, code, message }
  }
}

/** "container app billing-api (resource group rg-apps)", for messages. */
export function describeCarrier(c: Carrier): string {
  return `${describeTarget(c)} (resource group ${c.resourceGroup})`
}
