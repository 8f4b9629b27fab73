// Microsoft.App/containerApps: GET (secret values hidden), listSecrets, PUT (whole resource), PATCH (JSON merge
// patch), revisions, identities (system principals are new directory principals), and the 409 while a write runs.
import type { SandboxRequest } from '../http.ts'
import type { ContainerAppSeed } from '../index.ts'
import { addPrincipal, clone, randomRevisionSuffix, REGION_DISPLAY, resourceKey, rgId } from '../state.ts'
import type { ContainerAppState, RevisionState, SandboxState } from '../state.ts'
import { withAppDefaults } from './app-defaults.ts'
import { identityView, normaliseIdentity, replaceIdentity, validateUserAssigned } from './app-identity.ts'
import { mergeAppPatch } from './app-patch.ts'
import type { AppWrite } from './app-patch.ts'
import { rejectIfWriteRunning } from './app-pending-write.ts'
import { appReadRoutes } from './app-read-routes.ts'
import { hideSecretValues } from './app-secrets.ts'
import { configurationView, templateView } from './app-view-nulls.ts'
import { checkAppWrite } from './app-write-checks.ts'
import { armError, resourceNotFound } from './errors.ts'
import { sameJson } from './json.ts'
import { pollingHeaders } from './operations.ts'
import type { Operations, StartedOperation } from './operations.ts'
import {
  environmentDomain,
  latestReadyRevision,
  latestRevision,
  revisionView,
  withoutEmptyEnvValues
} from './revisions.ts'
import { requestedResource } from './requested-resource.ts'
import type { ArmRouteSpec } from './router.ts'
import type { ContainerAppView, JsonObject, Template } from './wire.ts'
import { appPropertiesGuard, parseWire, requestObject, tagsGuard } from './wire-guards.ts'

const TYPE = 'Microsoft.App/containerApps'
const APP = String.raw`^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/containerApps\/([^/]+)`

export function containerAppId(s: SandboxState, rg: string, name: string): string {
  return `${rgId(s, rg)}/providers/Microsoft.App/containerApps/${name}`
}

export function appView(
  s: SandboxState,
  app: ContainerAppState,
  o: { running?: boolean } = {}
): ContainerAppView {
  const p = clone(app.properties)
  const configuration = hideSecretValues(p.configuration ?? {})
  const latest = latestRevision(app)
  const ready = latestReadyRevision(app)
  const domain = environmentDomain(s, app)
  return withAppDefaults(
    {
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
        configuration: configurationView(
          {
            ...configuration,
            ...(configuration.ingress
              ? { ingress: { fqdn: `${app.name}.${domain}`, ...configuration.ingress } }
              : {})
          },
          'app'
        ),
        template: templateView(withoutEmptyEnvValues(p.template), 'app'),
        eventStreamEndpoint: `https://eastus.azurecontainerapps.dev/subscriptions/${s.subscriptionId}/resourceGroups/${app.rg}/containerApps/${app.name}/eventstream`
      }
    },
    app.revisions[0]?.createdAt ?? 0
  )
}

const SUFFIX = /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$|^[a-z]$/

/** The revision a template change makes, or undefined when the template did not change. */
function planRevision(
  s: SandboxState,
  app: ContainerAppState,
  before: Template | null | undefined,
  after: Template | null | undefined
): RevisionState | undefined {
  const strip = (t: Template | null | undefined): Template => {
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
    failReason: app.failRevisions?.reason,
    end: app.endRevisions
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
        // Azure's default scale: 0–10 replicas, so a good revision ends ScaledToZero.
        scale: seed.scale ?? { minReplicas: 0, maxReplicas: 10 }
      }
    },
    revisions: [],
    provisioningState: 'Succeeded'
  }
  if (app.identity?.type.includes('SystemAssigned')) {
    app.systemPrincipalId = addPrincipal(s, { kind: 'systemAssigned', displayName: name }).objectId
  }
  const rev = planRevision(s, app, undefined, app.properties.template)
  if (rev) app.revisions.push({ ...rev, readyAt: rev.createdAt, failReason: undefined, end: undefined })
  s.apps.set(resourceKey(rg, name), app)
  return app
}

/**
 * Another client's PATCH, done at once (no operation to poll): the JSON merge patch of tags and properties, ARM's
 * identity rule, and a new revision when the template changes, as the PATCH route makes them. For tests that act
 * as another pipeline in the middle of a run (a deploy of a new image, an identity attached).
 */
export function patchContainerAppNow(s: SandboxState, app: ContainerAppState, body: JsonObject): void {
  if (app.pending) throw new Error(`sandbox: container app ${app.name} is busy with a write`)
  const next = mergeAppPatch(app, body)
  validateUserAssigned(s, next.identity, app.id)
  const revision = planRevision(s, app, app.properties.template, next.properties.template)
  replaceIdentity(s, app, next.identity)
  app.tags = next.tags
  app.properties = next.properties
  if (revision) app.revisions.push(revision)
}

export function containerAppRoutes(s: SandboxState, ops: Operations): ArmRouteSpec[] {
  const getApp = (req: SandboxRequest): ContainerAppState => requestedResource(s.apps, TYPE, req)
  const rejectIfBusy = (app: ContainerAppState): void => rejectIfWriteRunning(ops, app, 'container app')

  /** Applies a validated write: identity, properties, maybe a revision; then runs it as an operation. */
  const applyWrite = (
    req: SandboxRequest,
    caller: string,
    app: ContainerAppState,
    next: AppWrite,
    fresh: boolean
  ): { opHeaders: StartedOperation['headers'] } => {
    checkAppWrite(s, caller, app, next, 'Microsoft.App/containerApps/write')
    const revision = planRevision(
      s,
      app,
      fresh ? undefined : app.properties.template,
      next.properties.template
    )
    const identityChanged = replaceIdentity(s, app, next.identity)
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
    ...appReadRoutes(ops, {
      path: APP,
      type: TYPE,
      operations: 'containerApps',
      find: getApp,
      view: (app, o) => appView(s, app, o),
      scope: req => containerAppId(s, req.params[1], req.params[2])
    }),
    {
      method: 'PUT',
      pattern: new RegExp(`${APP}$`, 'i'),
      operation: 'containerApps.createOrUpdate',
      action: 'Microsoft.App/containerApps/write',
      handle: (req, caller) => {
        const body = requestObject(req)
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
            tags: parseWire(tagsGuard, body.tags ?? {}, 'tags'),
            properties: parseWire(appPropertiesGuard, clone(body.properties ?? {}), 'properties'),
            identity: normaliseIdentity(body.identity)
          },
          !existing
        )
        return {
          status: 201,
          headers: pollingHeaders(opHeaders, 'azure-asyncoperation'),
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
        const { opHeaders } = applyWrite(req, caller, app, mergeAppPatch(app, requestObject(req)), false)
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
