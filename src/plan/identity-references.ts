import type { IdentityChoice } from '../inputs/types.js'
import type { TargetResource } from '../read/target.js'
import { sameId } from '../domain/identities.js'

interface IdentityField {
  /** Where the field is, from the app: ['configuration', 'registries', 0]. */
  path: (string | number)[]
  /** The objects along the path: nodes[i] is what path.slice(0, i + 1) leads to. */
  nodes: unknown[]
  value: string
}

/** Every `identity` string in a tree of plain JSON, with where it is. */
function* identityFields(
  node: unknown,
  path: (string | number)[],
  nodes: unknown[]
): Generator<IdentityField> {
  const here = [...nodes, node]
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* identityFields(item, [...path, i], here)
    return
  }
  if (typeof node !== 'object' || node === null) return
  for (const [key, value] of Object.entries(node)) {
    if (key === 'identity' && typeof value === 'string') yield { path: [...path, key], nodes: here, value }
    else yield* identityFields(value, [...path, key], here)
  }
}

function text(node: unknown, key: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined
  const value: unknown = Reflect.get(node, key)
  return typeof value === 'string' ? value : undefined
}

/** What the field belongs to, in the words of the portal: "registry myacr.azurecr.io", "Key Vault secret db-pass". */
function describe(field: IdentityField): string {
  const [section, list, index] = field.path
  const item = field.nodes[2]
  if (section === 'configuration' && list === 'registries' && typeof index === 'number')
    return `registry ${text(item, 'server') ?? `#${index + 1}`}`
  if (section === 'configuration' && list === 'secrets' && typeof index === 'number')
    return `Key Vault secret ${text(item, 'name') ?? `#${index + 1}`}`
  if (section === 'configuration' && list === 'identitySettings') return 'its identity settings'
  const rules = field.path.indexOf('rules')
  if (rules >= 0 && typeof field.path[rules + 1] === 'number')
    return `scale rule ${text(field.nodes[rules + 1], 'name') ?? `#${Number(field.path[rules + 1]) + 1}`}`
  return field.path.slice(0, -1).join('.')
}

/**
 * What in the app or job names the identity by reference, and stops working without it: a registry it pulls
 * images with, a Key Vault secret it reads, and — in api-versions that have them — scale rules and identity
 * settings (REST spec Microsoft.App 2024-03-01: `RegistryCredentials.identity` and `Secret.identity`, a resource
 * ID or "system"). Any `identity` in the configuration or the template counts, so later properties do too.
 */
export function identityReferences(app: TargetResource, choice: IdentityChoice): string[] {
  const names = (value: string) =>
    choice.kind === 'system' ? value.toLowerCase() === 'system' : sameId(value, choice.resourceId)
  const found = [
    ...identityFields(app.configuration, ['configuration'], []),
    ...identityFields(app.template, ['template'], [])
  ].filter(field => names(field.value))
  return [...new Set(found.map(describe))]
}
