import type { Container, EnvironmentVar } from '@azure/arm-appcontainers'
import type { VariableNames } from '../inputs/types.js'
import type { Blocker } from './blocker.js'
import { planClientId, removeHint, type ClientIdContext } from './client-id-plan.js'

export interface ConnectionValues {
  host: string
  port: string
  /** Unknown in a plan when the system identity does not exist yet. */
  objectId?: string
  /** Only for a user-assigned identity. */
  clientId?: string
}

export interface VariableChange {
  container: string
  name: string
  before?: string
  after: string
  /** How many entries of this name the container has when it has several: each one is set. */
  entries?: number
}

export interface VariablesPlan {
  changes: VariableChange[]
  /** Every container of the app, with the variables upserted in the selected ones: the PATCH sends them all. */
  containers: Container[]
  selected: string[]
}

const UNKNOWN_OBJECT_ID = '(object id of the new identity)'
/** How a removed variable shows in the report. */
export const REMOVED = '(removed)'

function shown(variable: EnvironmentVar | undefined): string | undefined {
  if (!variable) return undefined
  return variable.secretRef ? `secretRef:${variable.secretRef}` : (variable.value ?? '')
}

/** Every entry's value, for a name the container has more than once. */
function shownAll(entries: EnvironmentVar[]): string | undefined {
  if (entries.length <= 1) return shown(entries[0])
  return `${entries.length} entries: ${entries.map(e => shown(e)).join(' / ')}`
}

/** The input that names each variable, for a fix that suggests another name. */
const NAME_INPUTS: [keyof VariableNames, string][] = [
  ['host', 'host-variable'],
  ['port', 'port-variable'],
  ['objectId', 'object-id-variable'],
  ['clientId', 'client-id-variable']
]

/**
 * A variable the action manages that takes its value from a secret. A GET hides secret values, so the action can
 * neither tell whether the secret holds the right value nor set the variable without dropping the user's reference
 * (and leaving the secret for a value nobody reads): the run stops before any write, with both ways out.
 */
function secretBlocker(container: string, variable: EnvironmentVar, names: VariableNames): Blocker {
  const name = variable.name ?? ''
  const input = NAME_INPUTS.find(([key]) => names[key] === name)?.[1]
  return {
    step: 'variables',
    message: `Container "${container}" has ${name} from secret "${variable.secretRef}" (secretRef). Azure does not show a secret's value, so the action can neither check it nor replace it with a plain value without dropping your secret reference.`,
    fix: [
      `If ${name} is meant for this connection, ${removeHint(container, name)}, and rerun: the action sets it as a plain value`,
      input
        ? `if the app uses it for something else, give the action a variable of its own (input ${input}, e.g. ${name}_ENTRA) and read that one in the app`
        : undefined
    ]
      .filter(Boolean)
      .join('; ')
      .concat('.')
  }
}

/** Azure returns a variable whose value is "" without a value; send it back as "" so it is kept as it was. */
function normalized(variable: EnvironmentVar): EnvironmentVar {
  return variable.secretRef === undefined && variable.value === undefined
    ? { ...variable, value: '' }
    : variable
}

/** A warning for each name a container has more than once, which the run set in every entry. */
export function repeatedNameWarnings(changes: VariableChange[]): string[] {
  return changes
    .filter(c => (c.entries ?? 1) > 1)
    .map(
      c =>
        `Container "${c.container}" has ${c.entries} entries named ${c.name}; the action set each of them, as which one the container sees is not documented. Keep one.`
    )
}

export function desiredVariables(names: VariableNames, values: ConnectionValues): [string, string][] {
  const wanted: [string, string][] = [
    [names.host, values.host],
    [names.port, values.port],
    [names.objectId, values.objectId ?? UNKNOWN_OBJECT_ID]
  ]
  if (values.clientId) wanted.push([names.clientId, values.clientId])
  return wanted
}

export function planVariables(o: {
  containers: Container[]
  selected?: string[]
  names: VariableNames
  values: ConnectionValues
  /** Which identity the app should sign in as, and the ones it has: decides the client id variables. */
  signIn: ClientIdContext
}): { plan?: VariablesPlan; blockers: Blocker[] } {
  const appContainers = o.containers.map(c => c.name ?? '')
  const selected = o.selected ?? appContainers
  const missing = selected.filter(name => !appContainers.includes(name))
  if (missing.length) {
    return {
      blockers: [
        {
          step: 'variables',
          message: `Input "containers" names ${missing.map(m => `"${m}"`).join(', ')}, which the app does not have. Its containers are: ${appContainers.map(c => `"${c}"`).join(', ') || 'none'}.`,
          fix: 'Name containers of the app (init containers are never changed), or leave containers empty to set the variables in all of them.'
        }
      ]
    }
  }
  const wanted = desiredVariables(o.names, { ...o.values, clientId: undefined })
  const changes: VariableChange[] = []
  const blockers: Blocker[] = []
  const containers = o.containers.map(container => {
    const name = container.name ?? ''
    const env = (container.env ?? []).map(normalized)
    if (!selected.includes(name)) return { ...container, env }
    const clientId = planClientId(name, env, o.names, o.signIn, o.values.clientId)
    if (clientId.blocker) blockers.push(clientId.blocker)
    const upserts: [string, string][] = clientId.set
      ? [...wanted, [clientId.set.name, clientId.set.value]]
      : wanted
    // A name may be in the list more than once: Azure's API does not refuse it, and which entry the container sees
    // is not documented (Kubernetes, which Container Apps runs on, keeps the last). Every entry is set, in place, so
    // the container sees the right value whichever it picks, and the user's list keeps its shape.
    for (const [variable, value] of upserts) {
      const entries = env.flatMap((e, index) => (e.name === variable ? [{ e, index }] : []))
      const secret = entries.find(({ e }) => e.secretRef !== undefined)
      if (secret) {
        blockers.push(secretBlocker(name, secret.e, o.names))
        continue
      }
      const stale = entries.filter(({ e }) => e.value !== value)
      if (entries.length && !stale.length) continue
      changes.push({
        container: name,
        name: variable,
        before: shownAll(entries.map(({ e }) => e)),
        after: value,
        ...(entries.length > 1 ? { entries: entries.length } : {})
      })
      if (!entries.length) env.push({ name: variable, value })
      for (const { index } of stale) env[index] = { name: variable, value }
    }
    for (const variable of env.filter(e => clientId.remove.includes(e.name ?? ''))) {
      changes.push({ container: name, name: variable.name ?? '', before: shown(variable), after: REMOVED })
    }
    return { ...container, env: env.filter(e => !clientId.remove.includes(e.name ?? '')) }
  })
  if (blockers.length) return { blockers }
  return { plan: { changes, containers, selected }, blockers: [] }
}
