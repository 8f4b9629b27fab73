// Microsoft.App/jobs (Container Apps jobs): GET (secret values hidden), listSecrets and PATCH (JSON merge patch of
// a NOT flattened body `{ identity?, tags?, properties?: { configuration?, template? } }`) with the same identity
// rules as container apps. Jobs have no revisions and no ingress: the template is what the next execution runs.
import type { SandboxRequest } from '../http.ts'
import type { ContainerAppJobSeed } from '../index.ts'
import { addPrincipal, clone, REGION_DISPLAY, resourceKey, rgId } from '../state.ts'
import type { JobState, Json, SandboxState } from '../state.ts'
import { authorizeLinked } from './auth.ts'
import {
  ASSIGN_ACTION,
  identityView,
  normaliseIdentity,
  validateSecrets,
  validateUserAssigned
} from './container-apps.ts'
import { armError, resourceNotFound } from './errors.ts'
import { mergePatch, sameJson } from './json.ts'
import type { Operations } from './operations.ts'
import { withoutEmptyEnvValues } from './revisions.ts'
import type { ArmRouteSpec } from './router.ts'

const TYPE = 'Microsoft.App/jobs'
const JOB = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/jobs\/([^/]+)`

export function jobId(s: SandboxState, rg: string, name: string): string {
  return `${rgId(s, rg)}/providers/${TYPE}/${name}`
}

export function jobView(s: SandboxState, job: JobState, o: { running?: boolean } = {}): Json {
  const p = clone(job.properties) ?? {}
  const configuration = p.configuration ?? {}
  if (Array.isArray(configuration.secrets)) {
    configuration.secrets = configuration.secrets.map((x: Json) => ({
      name: x.name,
      ...(x.keyVaultUrl ? { keyVaultUrl: x.keyVaultUrl } : {}),
      ...(x.identity ? { identity: x.identity } : {})
    }))
  }
  return {
    id: job.id,
    name: job.name,
    type: TYPE,
    location: REGION_DISPLAY,
    tags: job.tags,
    identity: identityView(s, job),
    properties: {
      provisioningState: o.running ? 'InProgress' : job.provisioningState,
      runningState: 'Ready',
      environmentId: p.environmentId,
      workloadProfileName: p.workloadProfileName ?? 'Consumption',
      configuration,
      template: withoutEmptyEnvValues(p.template),
      outboundIpAddresses: ['20.124.1.10'],
      eventStreamEndpoint: `https://eastus.azurecontainerapps.dev/subscriptions/${s.subscriptionId}/resourceGroups/${job.rg}/containerApps/${job.name}/eventstream`
    }
  }
}

function triggerConfig(type: string): Json {
  if (type === 'Schedule') {
    return {
      scheduleTriggerConfig: { cronExpression: '0 * * * *', parallelism: 1, replicaCompletionCount: 1 }
    }
  }
  if (type === 'Event') {
    return {
      eventTriggerConfig: {
        parallelism: 1,
        replicaCompletionCount: 1,
        scale: { minExecutions: 0, maxExecutions: 10, pollingInterval: 30, rules: [] }
      }
    }
  }
  return { manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 } }
}

export function seedJob(s: SandboxState, rg: string, name: string, seed: ContainerAppJobSeed = {}): JobState {
  s.resourceGroups.add(rg.toLowerCase())
  const triggerType = seed.triggerType ?? 'Manual'
  const job: JobState = {
    id: jobId(s, rg, name),
    rg,
    name,
    tags: seed.tags ?? {},
    identity: normaliseIdentity(seed.identity),
    properties: {
      environmentId: `${rgId(s, rg)}/providers/Microsoft.App/managedEnvironments/${rg}-env`,
      workloadProfileName: 'Consumption',
      configuration: {
        secrets: seed.secrets ?? [],
        triggerType,
        replicaTimeout: 1800,
        replicaRetryLimit: 0,
        ...triggerConfig(triggerType),
        registries: seed.registries ?? []
      },
      template: {
        containers: seed.containers ?? [
          { name, image: 'mcr.microsoft.com/k8se/quickstart-jobs:latest', env: [] }
        ],
        ...(seed.initContainers ? { initContainers: seed.initContainers } : {})
      }
    },
    provisioningState: 'Succeeded'
  }
  if (job.identity?.type.includes('SystemAssigned')) {
    job.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: name }).objectId
  }
  s.jobs.set(resourceKey(rg, name), job)
  return job
}

export function jobRoutes(s: SandboxState, ops: Operations): ArmRouteSpec[] {
  const getJob = (req: SandboxRequest): JobState => {
    const job = s.jobs.get(resourceKey(req.params[1], req.params[2]))
    if (!job) throw resourceNotFound(TYPE, req.params[2], req.params[1])
    return job
  }
  const running = (job: JobState): boolean =>
    job.pending !== undefined && ops.isRunning(job.pending.operationId)

  return [
    {
      method: 'GET',
      pattern: new RegExp(`${JOB}$`, 'i'),
      operation: 'jobs.get',
      action: 'Microsoft.App/jobs/read',
      handle: req => {
        const job = getJob(req)
        return { status: 200, body: jobView(s, job, { running: running(job) }) }
      }
    },
    {
      method: 'POST',
      pattern: new RegExp(`${JOB}\\/listSecrets$`, 'i'),
      operation: 'jobs.listSecrets',
      action: 'Microsoft.App/jobs/listSecrets/action',
      scope: req => jobId(s, req.params[1], req.params[2]),
      handle: req => {
        const secrets: Json[] = getJob(req).properties.configuration?.secrets ?? []
        return { status: 200, body: { value: clone(secrets) } }
      }
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`${JOB}$`, 'i'),
      operation: 'jobs.update',
      action: 'Microsoft.App/jobs/write',
      handle: (req, caller) => {
        const job = getJob(req)
        if (running(job)) {
          throw armError(
            409,
            'ContainerAppOperationInProgress',
            `Cannot modify container app job '${job.name}' because another operation is in progress. Please retry the operation.`
          )
        }
        const body = (req.body ?? {}) as Json
        const merged = mergePatch(
          { tags: job.tags, properties: job.properties },
          { tags: body.tags, properties: body.properties }
        )
        const properties = merged.properties ?? {}
        // `identity` is not merged: the object in the request replaces the job's identity whole.
        const identity = 'identity' in body ? normaliseIdentity(body.identity) : job.identity
        validateSecrets(properties)
        validateUserAssigned(s, identity, job.id)
        const linked = Object.keys(identity?.userAssignedIdentities ?? {})
        if (linked.length > 0) {
          authorizeLinked(s, caller, {
            action: 'Microsoft.App/jobs/write',
            scope: job.id,
            linkedAction: ASSIGN_ACTION,
            linkedScopes: linked
          })
        }
        const definitionChanged = !sameJson(job.properties, properties)
        const identityChanged = !sameJson(job.identity ?? { type: 'None' }, identity ?? { type: 'None' })

        const hadSystem = job.identity?.type.includes('SystemAssigned') ?? false
        const wantsSystem = identity?.type.includes('SystemAssigned') ?? false
        if (wantsSystem && !hadSystem) {
          job.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: job.name }).objectId
        } else if (!wantsSystem && hadSystem && job.systemPrincipalId) {
          s.principals.delete(job.systemPrincipalId)
          job.systemPrincipalId = undefined
        }
        job.identity = identity
        job.tags = merged.tags ?? {}
        job.properties = properties

        const durationMs = definitionChanged
          ? s.latency.appUpdateMs
          : identityChanged
            ? s.latency.identityUpdateMs
            : 0
        const started = ops.start(
          {
            provider: 'Microsoft.App',
            durationMs,
            complete: () => {
              job.pending = undefined
              job.provisioningState = 'Succeeded'
              return undefined
            },
            finalReply: () => ({ status: 200, body: jobView(s, job) })
          },
          req
        )
        job.pending = { operationId: started.id }
        return { status: 202, headers: started.headers }
      }
    }
  ]
}
