import type { ManagedServiceIdentity } from '@azure/arm-appcontainers'
import { WORKLOAD_OPERATIONS, type TargetResource } from '../azure/workload-operations.js'
import { updateById } from '@azure/arm-resources/api/resources'
import { API_VERSIONS } from '../azure/api-versions.js'
import type { AzureClients } from '../azure/clients.js'
import type { IdentityPatch } from '../domain/identities.js'
import { checkAnswer, isRecord, readAnswer, valueAt, type Expectation } from '../azure/check-answer.js'
import { ReadError } from './read-error.js'
import { describeTarget, targetId, type Target } from '../domain/target.js'
import { UnexpectedAnswerError } from '../azure/unexpected-answer.js'

export type { TargetResource } from '../azure/workload-operations.js'

/** A container as Azure answered it: every property, whether the SDK's model knows it or not. */
export type ArmContainer = Record<string, unknown>

/** One read of the app or job: the SDK's view for planning, and its containers as Azure sent them for writing. */
export interface TargetRead {
  app: TargetResource
  containers: ArmContainer[]
}

interface ReadOptions {
  abortSignal?: AbortSignal
}
interface WriteOptions extends ReadOptions {
  updateIntervalInMs?: number
}

/**
 * What Azure answers for an app or a job, with or without identities: `identity` is always there, `{"type":"None"}`
 * when it has none (see sandbox/SPEC.md, "A GET always carries identity"), and a template has containers.
 */
const TARGET_FIELDS: Expectation['fields'] = [
  ['location', 'text'],
  ['identity', 'object'],
  ['identity.type', 'text'],
  ['properties.template.containers', 'objects']
]

/**
 * Reads the app or the job, and checks that the answer is it (a proxy's page or `{}` is not): an answer that is
 * not is a ReadError naming what it lacks, so nothing is planned from it.
 */
export async function readTarget(clients: AzureClients, t: Target, o: ReadOptions): Promise<TargetRead> {
  const expected = {
    what: describeTarget(t),
    id: targetId(clients.subscriptionId, t),
    name: t.name,
    fields: TARGET_FIELDS
  }
  try {
    const { value, answer } = await readAnswer(expected, onResponse =>
      WORKLOAD_OPERATIONS[t.kind].get(clients.apps, t, { ...o, onResponse })
    )
    const containers = valueAt(checkAnswer(answer, expected), 'properties.template.containers')
    return { app: value, containers: Array.isArray(containers) ? containers.filter(isRecord) : [] }
  } catch (error) {
    if (error instanceof UnexpectedAnswerError)
      throw new ReadError(`${describeTarget(t)} in resource group ${t.resourceGroup}`, error)
    throw error
  }
}

/** Reads the app or the job (checked, as readTarget). */
export async function getTarget(clients: AzureClients, t: Target, o: ReadOptions): Promise<TargetResource> {
  return (await readTarget(clients, t, o)).app
}

/**
 * The SDK types each user-assigned identity as an object, yet ARM removes one whose key a PATCH sets to null, and
 * the SDK's serializer sends the record as it is. A JSON copy carries the nulls past the SDK's type.
 */
function sdkIdentity(patch: IdentityPatch): ManagedServiceIdentity {
  return JSON.parse(JSON.stringify(patch)) as ManagedServiceIdentity
}

/** PATCHes the identity block only (ARM merges it; see IdentityPatch): no `configuration`, no `template`. */
export function patchIdentity(
  clients: AzureClients,
  t: Target,
  current: TargetResource,
  identity: IdentityPatch,
  o: WriteOptions
): Promise<TargetResource> {
  return WORKLOAD_OPERATIONS[t.kind].patchIdentity(clients.apps, t, current, sdkIdentity(identity), o)
}

/** What a template PATCH tells: the revision it made (an app's; a job has none). */
export interface TemplateWritten {
  latestRevisionName?: string
}

/**
 * PATCHes `template.containers` only (a merge patch replaces arrays whole, so every container is sent), each as
 * Azure answered it but for the variables. It goes through the generic resources client, whose body is the JSON
 * given: @azure/arm-appcontainers' serializer rebuilds each container from the properties its model knows and
 * would drop the others (`imageType`, a later api-version's fields) from the app.
 */
export async function patchTemplate(
  clients: AzureClients,
  t: Target,
  containers: ArmContainer[],
  o: WriteOptions
): Promise<TemplateWritten> {
  const written = await updateById(
    clients.resources,
    targetId(clients.subscriptionId, t).slice(1),
    API_VERSIONS.containerApps,
    { properties: { template: WORKLOAD_OPERATIONS[t.kind].template(containers) } },
    o
  )
  const latest = written.properties?.latestRevisionName
  return typeof latest === 'string' && latest ? { latestRevisionName: latest } : {}
}
