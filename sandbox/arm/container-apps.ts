// Microsoft.App/containerApps: GET (secret values hidden), listSecrets, PUT (whole resource), PATCH (JSON merge
// patch), revisions, identities (system principals are new directory principals), and the 409 while a write runs.
import type { SandboxRequest } from '../http.ts'
import type { ContainerAppSeed } from '../index.ts'
import {
  addPrincipal,
  clone,
  findIdentityById,
  randomRevisionSuffix,
  REGION_DISPLAY,
  resourceKey,
  rgId
} from '../state.ts'
import type { ContainerAppState, Json, RevisionState, SandboxState } from '../state.ts'
import { authorizeLinked } from './auth.ts'
import { armError, resourceNotFound } from './errors.ts'
import { mergePatch, sameJson } from './json.ts'
import type { Operations } from './operations.ts'
import {
  environmentDomain,
  latestReadyRevision,
  latestRevision,
  revisionView,
  withoutEmptyEnvValues
} from './revisions.ts'
import type { ArmRouteSpec } from './router.ts'

const TYPE = 'Microsoft.App/containerApps'
const APP = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/containerApps\/([^/]+)`
export const ASSIGN_ACTION = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action'

export function containerAppId(s: SandboxState, rg: string, name: string): string {
  return `${rgId(s, rg)}/providers/Microsoft.App/containerApps/${name}`
}

export function appView(s: SandboxState, app: ContainerAppState, o: { running?: boolean } = {}): Json {
  const p = clone(app.properties) ?? {}
  const configuration = p.configuration ?? {}
  if (Array.isArray(configuration.secrets)) {
    configuration.secrets = configuration.secrets.map((x: Json) => ({
      name: x.name,
      ...(x.keyVaultUrl ? { keyVaultUrl: x.keyVaultUrl } : {}),
      ...(x.identity ? { identity: x.identity } : {})
    }))
  }
  const latest = latestRevision(app)
  const ready = latestReadyRevision(app)
  const domain = environmentDomain(s, app)
  return {
    id: app.id,
    name: app.name,
    type: TYPE,
    location: REGION_DISPLAY,
    tags: app.tags,
    identity: identityView(s, app),
    properties: {
      provisioningState: o.running ? 'InProgress' : app.provisioningState,
      runningStatus: 'Running',
      managedEnvironmentId: p.managedEnvironmentId,
      environmentId: p.environmentId ?? p.managedEnvironmentId,
      workloadProfileName: p.workloadProfileName ?? 'Consumption',
      outboundIpAddresses: ['20.124.1.10'],
      latestRevisionName: latest?.name,
      latestReadyRevisionName: ready?.name,
      latestRevisionFqdn: latest ? `${latest.name}.${domain}` : undefined,
      customDomainVerificationId: 'D4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F4A5B6C7D8E9F0A1B2C3D4E5',
      configuration: {
        ...configuration,
        ...(configuration.ingress
          ? { ingress: { fqdn: `${app.name}.${domain}`, ...configuration.ingress } }
          : {})
      },
      template: withoutEmptyEnvValues(p.template),
      eventStreamEndpoint: `https://eastus.azurecontainerapps.dev/subscriptions/${s.subscriptionId}/resourceGroups/${app.rg}/containerApps/${app.name}/eventstream`
    }
  }
}

/** The identity block of an app or job as Container Apps answers it. */
export function identityView(
  s: SandboxState,
  app: Pick<ContainerAppState, 'identity' | 'systemPrincipalId'>
): Json {
  const type = app.identity?.type ?? 'None'
  if (type === 'None') return { type: 'None' }
  const view: Json = { type }
  if (type.includes('SystemAssigned')) {
    view.principalId = app.systemPrincipalId
    view.tenantId = s.tenantId
  }
  if (type.includes('UserAssigned')) {
    view.userAssignedIdentities = Object.fromEntries(
      Object.keys(app.identity?.userAssignedIdentities ?? {}).map(id => {
        const uami = findIdentityById(s, id)
        return [id, { principalId: uami?.principalId, clientId: uami?.clientId }]
      })
    )
  }
  return view
}

/** Container Apps writes the combined type without a space and accepts any casing. */
export function normaliseIdentity(identity: Json): ContainerAppState['identity'] {
  if (identity === undefined || identity === null) return undefined
  const parts = String(identity.type ?? 'None')
    .split(',')
    .map(t => t.trim().toLowerCase())
  const type =
    [parts.includes('systemassigned') && 'SystemAssigned', parts.includes('userassigned') && 'UserAssigned']
      .filter(Boolean)
      .join(',') || 'None'
  if (type === 'None') return { type }
  return {
    type,
    ...(type.includes('UserAssigned')
      ? { userAssignedIdentities: clone(identity.userAssignedIdentities ?? {}) }
      : {})
  }
}

export function validateSecrets(properties: Json): void {
  const secrets: Json[] = properties?.configuration?.secrets ?? []
  const invalid = secrets
    .filter(x => (x.value === undefined || x.value === null) && !(x.keyVaultUrl && x.identity))
    .map(x => x.name)
  if (invalid.length > 0) {
    throw armError(
      400,
      'ContainerAppSecretInvalid',
      `Container app secret(s) with name(s) '${invalid.join(',')}' are invalid: value or keyVaultUrl and identity should be provided.`
    )
  }
}

export function validateUserAssigned(
  s: SandboxState,
  identity: ContainerAppState['identity'],
  appId: string
): void {
  for (const id of Object.keys(identity?.userAssignedIdentities ?? {})) {
    if (!findIdentityById(s, id)) {
      throw armError(
        400,
        'FailedIdentityOperation',
        `Identity operation for resource '${appId}' failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: '{"error":{"code":"NotFound","message":"Resource '${id}' does not exist."}}''.`
      )
    }
  }
}

const SUFFIX = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$|^[a-z]$/

/** The revision a template change makes, or undefined when the template did not change. */
function planRevision(
  s: SandboxState,
  app: ContainerAppState,
  before: Json,
  after: Json
): RevisionState | undefined {
  const strip = (t: Json): Json => {
    const { revisionSuffix: _suffix, ...rest } = t ?? {}
    return rest
  }
  const newSuffix = after?.revisionSuffix
  const changed =
    !sameJson(strip(before), strip(after)) ||
    (newSuffix !== undefined && newSuffix !== before?.revisionSuffix)
  if (!changed && app.revisions.length > 0) return undefined
  const suffix: string = newSuffix ?? randomRevisionSuffix()
  const invalidSuffix = (details: string): never => {
    throw armError(
      400,
      'ContainerAppInvalidRevisionSuffix',
      `The following field(s) are either invalid or missing. Field 'template.revisionsuffix' is invalid with details: '${details}';.`
    )
  }
  if (!SUFFIX.test(suffix) || `${app.name}--${suffix}`.length > 54) {
    invalidSuffix(
      `Invalid value: "${suffix}": a revision suffix must consist of lower case alphanumeric characters or '-', start with an alphabetic character, end with an alphanumeric character, and cannot have '--'`
    )
  }
  const name = `${app.name}--${suffix}`
  if (app.revisions.some(r => r.name === name))
    invalidSuffix('Invalid value: revision with suffix already exists.')
  const now = Date.now()
  return {
    name,
    createdAt: now,
    template: clone(after),
    readyAt: now + s.latency.revisionReadyMs,
    failReason: app.failRevisions?.reason
  }
}

export function seedContainerApp(
  s: SandboxState,
  rg: string,
  name: string,
  seed: ContainerAppSeed = {}
): ContainerAppState {
  s.resourceGroups.add(rg.toLowerCase())
  const id = containerAppId(s, rg, name)
  const envId = `${rgId(s, rg)}/providers/Microsoft.App/managedEnvironments/${rg}-env`
  const app: ContainerAppState = {
    id,
    rg,
    name,
    tags: seed.tags ?? {},
    identity: normaliseIdentity(seed.identity),
    properties: {
      managedEnvironmentId: envId,
      environmentId: envId,
      workloadProfileName: 'Consumption',
      configuration: {
        secrets: seed.secrets ?? [],
        activeRevisionsMode: seed.activeRevisionsMode ?? 'Single',
        ingress: seed.ingress ?? {
          external: true,
          targetPort: 8080,
          transport: 'Auto',
          allowInsecure: false,
          traffic: [{ weight: 100, latestRevision: true }]
        },
        registries: seed.registries ?? [],
        maxInactiveRevisions: 100
      },
      template: {
        containers: seed.containers ?? [{ name, image: 'mcr.microsoft.com/k8se/quickstart:latest', env: [] }],
        ...(seed.initContainers ? { initContainers: seed.initContainers } : {}),
        scale: seed.scale ?? { minReplicas: 1, maxReplicas: 10 }
      }
    },
    revisions: [],
    provisioningState: 'Succeeded'
  }
  if (app.identity?.type.includes('SystemAssigned')) {
    app.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: name }).objectId
  }
  const rev = planRevision(s, app, undefined, app.properties.template)
  if (rev) app.revisions.push({ ...rev, readyAt: rev.createdAt, failReason: undefined })
  s.apps.set(resourceKey(rg, name), app)
  return app
}

export function containerAppRoutes(s: SandboxState, ops: Operations): ArmRouteSpec[] {
  const getApp = (req: SandboxRequest): ContainerAppState => {
    const app = s.apps.get(resourceKey(req.params[1], req.params[2]))
    if (!app) throw resourceNotFound(TYPE, req.params[2], req.params[1])
    return app
  }
  const running = (app: ContainerAppState): boolean =>
    app.pending !== undefined && ops.isRunning(app.pending.operationId)
  const rejectIfBusy = (app: ContainerAppState): void => {
    if (running(app)) {
      throw armError(
        409,
        'ContainerAppOperationInProgress',
        `Cannot modify container app '${app.name}' because another operation is in progress. Please retry the operation.`
      )
    }
  }
  const appScope = (req: SandboxRequest): string => containerAppId(s, req.params[1], req.params[2])

  /** Applies a validated write: identity, properties, maybe a revision; then runs it as an operation. */
  const applyWrite = (
    req: SandboxRequest,
    caller: string,
    app: ContainerAppState,
    next: { tags: Record<string, string>; properties: Json; identity: ContainerAppState['identity'] },
    fresh: boolean
  ): { opHeaders: Record<string, string> } => {
    validateSecrets(next.properties)
    validateUserAssigned(s, next.identity, app.id)
    const linked = Object.keys(next.identity?.userAssignedIdentities ?? {})
    if (linked.length > 0) {
      authorizeLinked(s, caller, {
        action: 'Microsoft.App/containerApps/write',
        scope: app.id,
        linkedAction: ASSIGN_ACTION,
        linkedScopes: linked
      })
    }
    const revision = planRevision(
      s,
      app,
      fresh ? undefined : app.properties.template,
      next.properties.template
    )
    const identityChanged = !sameJson(app.identity ?? { type: 'None' }, next.identity ?? { type: 'None' })

    const hadSystem = app.identity?.type.includes('SystemAssigned') ?? false
    const wantsSystem = next.identity?.type.includes('SystemAssigned') ?? false
    if (wantsSystem && !hadSystem) {
      app.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: app.name }).objectId
    } else if (!wantsSystem && hadSystem && app.systemPrincipalId) {
      s.principals.delete(app.systemPrincipalId)
      app.systemPrincipalId = undefined
    }
    app.identity = next.identity
    app.tags = next.tags
    app.properties = next.properties
    if (revision) app.revisions.push(revision)
    s.apps.set(resourceKey(app.rg, app.name), app)

    const failing = revision?.failReason !== undefined
    const durationMs = revision
      ? failing
        ? Math.max(s.latency.appUpdateMs, s.latency.revisionReadyMs)
        : s.latency.appUpdateMs
      : identityChanged
        ? s.latency.identityUpdateMs
        : 0
    const started = ops.start(
      {
        provider: 'Microsoft.App',
        durationMs,
        complete: () => {
          app.pending = undefined
          if (failing) {
            app.provisioningState = 'Failed'
            return {
              code: 'ContainerAppOperationError',
              message: `Failed to provision revision for container app '${app.name}'. Error details: ${revision.failReason}`
            }
          }
          app.provisioningState = 'Succeeded'
          return undefined
        },
        finalReply: () => ({ status: 200, body: appView(s, app) })
      },
      req
    )
    app.pending = { operationId: started.id, doneAt: Date.now() + durationMs }
    return { opHeaders: started.headers }
  }

  return [
    {
      method: 'GET',
      pattern: new RegExp(`${APP}$`, 'i'),
      operation: 'containerApps.get',
      action: 'Microsoft.App/containerApps/read',
      handle: req => {
        const app = getApp(req)
        return { status: 200, body: appView(s, app, { running: running(app) }) }
      }
    },
    {
      method: 'POST',
      pattern: new RegExp(`${APP}\\/listSecrets$`, 'i'),
      operation: 'containerApps.listSecrets',
      action: 'Microsoft.App/containerApps/listSecrets/action',
      scope: appScope,
      handle: req => {
        const secrets: Json[] = getApp(req).properties.configuration?.secrets ?? []
        return { status: 200, body: { value: clone(secrets) } }
      }
    },
    {
      method: 'PUT',
      pattern: new RegExp(`${APP}$`, 'i'),
      operation: 'containerApps.createOrUpdate',
      action: 'Microsoft.App/containerApps/write',
      handle: (req, caller) => {
        const body = (req.body ?? {}) as Json
        const existing = s.apps.get(resourceKey(req.params[1], req.params[2]))
        if (existing) rejectIfBusy(existing)
        const app: ContainerAppState = existing ?? {
          id: containerAppId(s, req.params[1], req.params[2]),
          rg: req.params[1],
          name: req.params[2],
          tags: {},
          properties: {},
          revisions: [],
          provisioningState: 'Succeeded'
        }
        const { opHeaders } = applyWrite(
          req,
          caller,
          app,
          {
            tags: body.tags ?? {},
            properties: clone(body.properties ?? {}),
            identity: normaliseIdentity(body.identity)
          },
          !existing
        )
        return {
          status: 201,
          headers: {
            'azure-asyncoperation': opHeaders['azure-asyncoperation'],
            'retry-after': opHeaders['retry-after']
          },
          body: appView(s, app, { running: true })
        }
      }
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`${APP}$`, 'i'),
      operation: 'containerApps.update',
      action: 'Microsoft.App/containerApps/write',
      handle: (req, caller) => {
        const app = getApp(req)
        rejectIfBusy(app)
        const body = (req.body ?? {}) as Json
        const merged = mergePatch(
          { tags: app.tags, properties: app.properties },
          { tags: body.tags, properties: body.properties }
        )
        // `identity` is not merged: the object in the request replaces the app's identity whole.
        const identity = 'identity' in body ? normaliseIdentity(body.identity) : app.identity
        const { opHeaders } = applyWrite(
          req,
          caller,
          app,
          { tags: merged.tags ?? {}, properties: merged.properties ?? {}, identity },
          false
        )
        return { status: 202, headers: opHeaders }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${APP}\\/revisions$`, 'i'),
      operation: 'containerAppsRevisions.list',
      action: 'Microsoft.App/containerApps/revisions/read',
      handle: req => {
        const app = getApp(req)
        return { status: 200, body: { value: app.revisions.map(r => revisionView(s, app, r)) } }
      }
    },
    {
      method: 'GET',
      pattern: new RegExp(`${APP}\\/revisions\\/([^/]+)$`, 'i'),
      operation: 'containerAppsRevisions.get',
      action: 'Microsoft.App/containerApps/revisions/read',
      handle: req => {
        const app = getApp(req)
        const rev = app.revisions.find(r => r.name.toLowerCase() === req.params[3].toLowerCase())
        if (!rev) throw resourceNotFound(`${TYPE}/${app.name}/revisions`, req.params[3], app.rg)
        return { status: 200, body: revisionView(s, app, rev) }
      }
    }
  ]
}
