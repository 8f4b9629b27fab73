import type { Container, EnvironmentVar } from '@azure/arm-appcontainers'
import type { VariableNames } from '../inputs/types.js'
import type { Blocker } from './blocker.js'
import { planClientId, type ClientIdContext } from './client-id-plan.js'

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

/** Azure returns a variable whose value is "" without a value; send it back as "" so it is kept as it was. */
function normalized(variable: EnvironmentVar): EnvironmentVar {
  return variable.secretRef === undefined && variable.value === undefined
    ? { ...variable, value: '' }
    : variable
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
    for (const [variable, value] of upserts) {
      const index = env.findIndex(e => e.name === variable)
      const current = index >= 0 ? env[index] : undefined
      if (current && current.secretRef === undefined && current.value === value) continue
      changes.push({ container: name, name: variable, before: shown(current), after: value })
      if (index >= 0) env[index] = { name: variable, value }
      else env.push({ name: variable, value })
    }
    for (const variable of env.filter(e => clientId.remove.includes(e.name ?? ''))) {
      changes.push({ container: name, name: variable.name ?? '', before: shown(variable), after: REMOVED })
    }
    return { ...container, env: env.filter(e => !clientId.remove.includes(e.name ?? '')) }
  })
  if (blockers.length) return { blockers }
  return { plan: { changes, containers, selected }, blockers: [] }
}
