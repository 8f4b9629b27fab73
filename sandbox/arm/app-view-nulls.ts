// How Container Apps answers a GET: unset properties come back as `null` rather than absent, no secrets is
// `secrets: null`, and an app's template has `revisionSuffix: ""` when none was set. The shape is the real GET in
// Azure/azure-dev `cli/azd/test/functional/testdata/recordings/Test_CLI_Up_Down_ContainerApp_RemoteBuild.yaml`
// (April 2026). Jobs are answered by the same resource provider; their nulls are modelled alike (no recording).
import type { Configuration, ConfigurationView, Ingress, JsonObject, Template, TemplateView } from './wire.ts'

const emptyAsNull = <T>(v: T[] | null | undefined): T[] | null =>
  v === undefined || (Array.isArray(v) && v.length === 0) ? null : v

/** The members that are set: one present as `undefined` is left out. */
function setMembers<S extends JsonObject>(o: S): S {
  const out = { ...o }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k]
  return out
}

/** Stored values win; what the client never set is shown the way Azure shows it. */
const withDefaults = <S extends JsonObject>(defaults: JsonObject, stored: S): S => ({
  ...defaults,
  ...setMembers(stored)
})

function ingressView(ingress: Ingress | null | undefined): Ingress | null {
  if (!ingress) return null
  return withDefaults(
    {
      exposedPort: 0,
      customDomains: null,
      ipSecurityRestrictions: null,
      corsPolicy: null,
      clientCertificateMode: null,
      stickySessions: null,
      additionalPortMappings: null
    },
    ingress
  )
}

/** An app's or job's configuration (secret values already hidden) as GET answers it. */
export function configurationView(
  configuration: Configuration | null | undefined,
  kind: 'app' | 'job'
): ConfigurationView {
  const c: Configuration = configuration ?? {}
  const common = {
    secrets: emptyAsNull(c.secrets),
    registries: emptyAsNull(c.registries),
    identitySettings: []
  }
  if (kind === 'job') return withDefaults(common, { ...c, ...common })
  return withDefaults(
    { ...common, dapr: null, runtime: null, service: null },
    { ...c, ...common, ingress: ingressView(c.ingress) }
  )
}

/** An app's or job's template as GET answers it. */
export function templateView(template: Template | null | undefined, kind: 'app' | 'job'): TemplateView {
  const t: Template = template ?? {}
  const scale = t.scale
    ? withDefaults({ cooldownPeriod: 300, pollingInterval: 30, rules: null }, t.scale)
    : null
  const common = { initContainers: emptyAsNull(t.initContainers), volumes: emptyAsNull(t.volumes) }
  if (kind === 'job') return withDefaults(common, { ...t, ...common })
  return withDefaults(
    { ...common, revisionSuffix: '', terminationGracePeriodSeconds: null, serviceBinds: null },
    { ...t, ...common, revisionSuffix: t.revisionSuffix ?? '', scale }
  )
}

/**
 * A revision's template as its GET answers it: unset members are `null`, the suffix included (not `""` as on the
 * app). The shape is the real revision GET in Azure/azure-powershell
 * `src/App/App.Autorest/test/AzContainerAppRevision.Recording.json` (October 2023).
 */
export function revisionTemplateView(template: Template): Template {
  const scale = template.scale ? withDefaults({ rules: null }, template.scale) : null
  return withDefaults(
    {
      revisionSuffix: null,
      terminationGracePeriodSeconds: null,
      initContainers: null,
      volumes: null,
      serviceBinds: null
    },
    { ...template, initContainers: emptyAsNull(template.initContainers), scale }
  )
}
