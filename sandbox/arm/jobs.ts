// Microsoft.App/jobs (Container Apps jobs): GET (secret values hidden), listSecrets and PATCH (JSON merge patch of
// a NOT flattened body `{ identity?, tags?, properties?: { configuration?, template? } }`) with the same identity
// rules as container apps. Jobs have no revisions and no ingress: the template is what the next execution runs.
import type { SandboxRequest } from '../http.ts'
import type { ContainerAppJobSeed } from '../index.ts'
import { addPrincipal, clone, REGION_DISPLAY, resourceKey, rgId } from '../state.ts'
import type { JobState, SandboxState } from '../state.ts'
import { identityView, normaliseIdentity, replaceIdentity } from './app-identity.ts'
import { mergeAppPatch } from './app-patch.ts'
import { rejectIfWriteRunning } from './app-pending-write.ts'
import { appReadRoutes } from './app-read-routes.ts'
import { hideSecretValues } from './app-secrets.ts'
import { configurationView, templateView } from './app-view-nulls.ts'
import { checkAppWrite } from './app-write-checks.ts'
import { sameJson } from './json.ts'
import type { Operations } from './operations.ts'
import { withoutEmptyEnvValues } from './revisions.ts'
import { requestedResource } from './requested-resource.ts'
import type { ArmRouteSpec } from './router.ts'
import type { Configuration, JobView } from './wire.ts'
import { requestObject } from './wire-guards.ts'

const TYPE = 'Microsoft.App/jobs'
const JOB = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/jobs\/([^/]+)`

export function jobId(s: SandboxState, rg: string, name: string): string {
  return `${rgId(s, rg)}/providers/${TYPE}/${name}`
}

export function jobView(s: SandboxState, job: JobState, o: { running?: boolean } = {}): JobView {
  const p = clone(job.properties)
  const configuration = hideSecretValues(p.configuration ?? {})
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
      configuration: configurationView(configuration, 'job'),
      template: templateView(withoutEmptyEnvValues(p.template), 'job'),
      outboundIpAddresses: ['20.124.1.10'],
      eventStreamEndpoint: `https://eastus.azurecontainerapps.dev/subscriptions/${s.subscriptionId}/resourceGroups/${job.rg}/containerApps/${job.name}/eventstream`
    }
  }
}

function triggerConfig(type: string): Configuration {
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
  const getJob = (req: SandboxRequest): JobState => requestedResource(s.jobs, TYPE, req)

  return [
    ...appReadRoutes(ops, {
      path: JOB,
      type: TYPE,
      operations: 'jobs',
      find: getJob,
      view: (job, o) => jobView(s, job, o),
      scope: req => jobId(s, req.params[1], req.params[2])
    }),
    {
      method: 'PATCH',
      pattern: new RegExp(`${JOB}$`, 'i'),
      operation: 'jobs.update',
      action: 'Microsoft.App/jobs/write',
      handle: (req, caller) => {
        const job = getJob(req)
        rejectIfWriteRunning(ops, job, 'container app job')
        const next = mergeAppPatch(job, requestObject(req))
        checkAppWrite(s, caller, job, next, 'Microsoft.App/jobs/write')
        const definitionChanged = !sameJson(job.properties, next.properties)
        const identityChanged = replaceIdentity(s, job, next.identity)
        job.tags = next.tags
        job.properties = next.properties

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
