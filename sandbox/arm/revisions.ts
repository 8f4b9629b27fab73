// Container app revisions: how a revision looks at a given time (provisioning, activating, ready, or ended without
// becoming ready), which one is latest / latest ready, and how traffic is split in Single and Multiple revision modes.
import type { ContainerAppState, RevisionEnd, RevisionState, SandboxState } from '../state.ts'
import { clone, findIdentityById } from '../state.ts'
import { revisionTemplateView } from './app-view-nulls.ts'
import type { RevisionStatus, RevisionView, Secret, Template } from './wire.ts'

/**
 * provisioning → activating → ready, or → failed (the write's operation fails with it) or → ended (the operation
 * succeeded; the revision ends Degraded / ActivationFailed / Failed / Stopped instead of becoming ready).
 */
export type RevisionPhase = 'provisioning' | 'activating' | 'ready' | 'failed' | 'ended'

export function phaseOf(rev: RevisionState, now = Date.now()): RevisionPhase {
  if (now < rev.readyAt) return now < (rev.createdAt + rev.readyAt) / 2 ? 'provisioning' : 'activating'
  if (rev.failReason !== undefined) return 'failed'
  return rev.end ? 'ended' : 'ready'
}

/** What Azure puts in `runningStateDetails` when a revision ends this way. */
export function defaultRunningStateDetails(
  state: RevisionEnd['runningState'],
  container: string
): string | undefined {
  switch (state) {
    case 'Degraded':
    case 'ActivationFailed':
      return 'Deployment Progress Deadline Exceeded. 0/1 replicas ready.'
    case 'Failed':
      return `Container '${container}' was terminated with exit code '1' and reason 'ProcessExited'`
    case 'Stopped':
      return undefined
  }
}

export function latestRevision(app: ContainerAppState): RevisionState | undefined {
  return app.revisions.at(-1)
}

export function latestReadyRevision(app: ContainerAppState, now = Date.now()): RevisionState | undefined {
  return app.revisions.findLast(r => phaseOf(r, now) === 'ready')
}

/** Env entries with an empty value come back without `value`, as Container Apps answers them. */
export function withoutEmptyEnvValues(template: Template | null | undefined): Template {
  const t = clone(template) ?? {}
  for (const list of [t.containers, t.initContainers]) {
    for (const c of list ?? []) {
      for (const e of c.env ?? []) if (e.value === '') delete e.value
    }
  }
  return t
}

function trafficWeights(app: ContainerAppState, now: number): Map<string, number> {
  const weights = new Map<string, number>()
  const ready = latestReadyRevision(app, now)
  const mode = (app.properties.configuration?.activeRevisionsMode ?? 'Single').toLowerCase()
  const traffic = app.properties.configuration?.ingress?.traffic ?? []
  if (mode === 'multiple' && traffic.length > 0) {
    for (const t of traffic) {
      const name = t.latestRevision ? latestRevision(app)?.name : t.revisionName
      if (name) weights.set(name, (weights.get(name) ?? 0) + (t.weight ?? 0))
    }
  } else if (ready) {
    weights.set(ready.name, 100)
  }
  return weights
}

/** The running state of a ready, active revision: it follows the template's scale (Azure's default is 0–10). */
function runningOf(template: Template | null | undefined): { runningState: string; replicas: number } {
  const min = template?.scale?.minReplicas ?? 0
  const max = template?.scale?.maxReplicas ?? 10
  if (min <= 0) return { runningState: 'ScaledToZero', replicas: 0 }
  if (min >= max) return { runningState: 'RunningAtMaxScale', replicas: max }
  return { runningState: 'Running', replicas: min }
}

function stateOf(rev: RevisionState, phase: RevisionPhase, active: boolean): RevisionStatus {
  switch (phase) {
    case 'provisioning':
      return {
        provisioningState: 'Provisioning',
        runningState: 'Processing',
        healthState: 'None',
        replicas: 0
      }
    case 'activating':
      return {
        provisioningState: 'Provisioned',
        runningState: 'Activating',
        healthState: 'None',
        replicas: 0
      }
    case 'ready':
      return active
        ? { provisioningState: 'Provisioned', healthState: 'Healthy', ...runningOf(rev.template) }
        : { provisioningState: 'Provisioned', runningState: 'Stopped', healthState: 'Healthy', replicas: 0 }
    case 'failed':
      return {
        provisioningState: 'Failed',
        runningState: 'Failed',
        healthState: 'Unhealthy',
        replicas: 0,
        provisioningError: rev.failReason,
        runningStateDetails: rev.failReason
      }
    case 'ended':
      return {
        provisioningState: 'Provisioned',
        runningState: rev.end?.runningState,
        // A deactivated revision reads Healthy (it has no replicas to be unhealthy); the others are Unhealthy.
        healthState: rev.end?.runningState === 'Stopped' ? 'Healthy' : 'Unhealthy',
        replicas: 0,
        ...(rev.end?.details !== undefined ? { runningStateDetails: rev.end.details } : {})
      }
  }
}

export function revisionView(
  s: SandboxState,
  app: ContainerAppState,
  rev: RevisionState,
  now = Date.now()
): RevisionView {
  const phase = phaseOf(rev, now)
  const single = (app.properties.configuration?.activeRevisionsMode ?? 'Single').toLowerCase() !== 'multiple'
  const isLatest = latestRevision(app) === rev
  // A failed or stopped revision is inactive; one still starting, or degraded, stays active while it is the latest.
  const stopped = phase === 'failed' || (phase === 'ended' && rev.end?.runningState === 'Stopped')
  const active =
    !stopped && (single ? latestReadyRevision(app, now) === rev || (isLatest && phase !== 'ready') : true)
  return {
    id: `${app.id}/revisions/${rev.name}`,
    name: rev.name,
    type: 'Microsoft.App/containerapps/revisions',
    properties: {
      createdTime: new Date(rev.createdAt).toISOString(),
      // A revision that never ran has no lastActiveTime (the failed revision of the powershell recording in
      // app-view-nulls.ts); one still starting is modelled alike, the harsher case, as no source shows it.
      ...(phase === 'ready' || phase === 'ended'
        ? { lastActiveTime: new Date(Math.min(now, rev.readyAt)).toISOString() }
        : {}),
      fqdn: `${rev.name}.${environmentDomain(s, app)}`,
      template: revisionTemplateView(withoutEmptyEnvValues(rev.template)),
      active,
      trafficWeight: trafficWeights(app, now).get(rev.name) ?? 0,
      ...stateOf(rev, phase, active)
    }
  }
}

export const environmentDomain = (s: SandboxState, app: ContainerAppState): string =>
  `${app.rg.toLowerCase()}-${s.subscriptionId.slice(0, 8)}.eastus.azurecontainerapps.io`

/** What the app's replicas see: env of the latest ready revision and the app's identities. */
export function runtimeView(
  s: SandboxState,
  app: ContainerAppState
): {
  env: Record<string, string>
  systemPrincipalId?: string
  userAssigned: { clientId: string; principalId: string }[]
  revision?: string
} {
  const ready = latestReadyRevision(app)
  const env: Record<string, string> = {}
  const secrets: Secret[] = app.properties.configuration?.secrets ?? []
  // In list order, so a name given twice has its last entry's value, as Kubernetes' kubelet builds a container's
  // environment (see SPEC.md); a secretRef gives the secret's value (a Key Vault reference, which the sandbox cannot
  // resolve, gives none).
  for (const e of ready?.template?.containers?.[0]?.env ?? []) {
    if (e.name === undefined) continue
    const value = e.secretRef == null ? (e.value ?? '') : secrets.find(x => x.name === e.secretRef)?.value
    if (typeof value === 'string') env[e.name] = value
  }
  const type = app.identity?.type ?? 'None'
  const userAssigned = Object.keys(app.identity?.userAssignedIdentities ?? {})
    .map(id => findIdentityById(s, id))
    .filter(i => i !== undefined)
    .map(i => ({ clientId: i.clientId, principalId: i.principalId }))
  return {
    env,
    systemPrincipalId: type.includes('SystemAssigned') ? app.systemPrincipalId : undefined,
    userAssigned: type.includes('UserAssigned') ? userAssigned : [],
    revision: ready?.name
  }
}
