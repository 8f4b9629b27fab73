// Container app revisions: how a revision looks at a given time (provisioning, ready or failed), which one
// is latest / latest ready, and how traffic is split in Single and Multiple revision modes.
import type { ContainerAppState, Json, RevisionState, SandboxState } from '../state.ts'
import { clone, findIdentityById } from '../state.ts'

export type RevisionPhase = 'provisioning' | 'ready' | 'failed'

export function phaseOf(rev: RevisionState, now = Date.now()): RevisionPhase {
  if (now < rev.readyAt) return 'provisioning'
  return rev.failReason === undefined ? 'ready' : 'failed'
}

export function latestRevision(app: ContainerAppState): RevisionState | undefined {
  return app.revisions.at(-1)
}

export function latestReadyRevision(app: ContainerAppState, now = Date.now()): RevisionState | undefined {
  return app.revisions.findLast(r => phaseOf(r, now) === 'ready')
}

/** Env entries with an empty value come back without `value`, as Container Apps answers them. */
export function withoutEmptyEnvValues(template: Json): Json {
  const t = clone(template) ?? {}
  for (const list of [t.containers, t.initContainers]) {
    for (const c of Array.isArray(list) ? list : []) {
      for (const e of Array.isArray(c.env) ? c.env : []) if (e.value === '') delete e.value
    }
  }
  return t
}

function trafficWeights(app: ContainerAppState, now: number): Map<string, number> {
  const weights = new Map<string, number>()
  const ready = latestReadyRevision(app, now)
  const mode = String(app.properties.configuration?.activeRevisionsMode ?? 'Single').toLowerCase()
  const traffic: Json[] = app.properties.configuration?.ingress?.traffic ?? []
  if (mode === 'multiple' && traffic.length > 0) {
    for (const t of traffic) {
      const name = t.latestRevision ? latestRevision(app)?.name : t.revisionName
      if (name) weights.set(name, (weights.get(name) ?? 0) + Number(t.weight ?? 0))
    }
  } else if (ready) {
    weights.set(ready.name, 100)
  }
  return weights
}

export function revisionView(
  s: SandboxState,
  app: ContainerAppState,
  rev: RevisionState,
  now = Date.now()
): Json {
  const phase = phaseOf(rev, now)
  const single =
    String(app.properties.configuration?.activeRevisionsMode ?? 'Single').toLowerCase() !== 'multiple'
  const isLatest = latestRevision(app) === rev
  const active =
    phase !== 'failed' &&
    (single ? latestReadyRevision(app, now) === rev || (isLatest && phase === 'provisioning') : true)
  const state = {
    provisioning: { provisioningState: 'Provisioning', runningState: 'Processing', healthState: 'None' },
    ready: {
      provisioningState: 'Provisioned',
      runningState: active ? 'Running' : 'Stopped',
      healthState: 'Healthy'
    },
    failed: { provisioningState: 'Failed', runningState: 'Failed', healthState: 'Unhealthy' }
  }[phase]
  return {
    id: `${app.id}/revisions/${rev.name}`,
    name: rev.name,
    type: 'Microsoft.App/containerapps/revisions',
    properties: {
      createdTime: new Date(rev.createdAt).toISOString(),
      lastActiveTime: new Date(Math.min(now, rev.readyAt)).toISOString(),
      fqdn: `${rev.name}.${environmentDomain(s, app)}`,
      template: withoutEmptyEnvValues(rev.template),
      active,
      replicas: phase === 'ready' && active ? 1 : 0,
      trafficWeight: trafficWeights(app, now).get(rev.name) ?? 0,
      ...state,
      ...(phase === 'failed'
        ? { provisioningError: rev.failReason, runningStateDetails: rev.failReason }
        : {})
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
  for (const e of ready?.template?.containers?.[0]?.env ?? []) {
    if (e.secretRef === undefined && e.name !== undefined) env[e.name] = e.value ?? ''
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
