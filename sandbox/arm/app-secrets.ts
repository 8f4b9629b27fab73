// Secrets of container apps and jobs: values are written by clients, hidden by GET and handed out by listSecrets.
import type { Json } from '../state.ts'
import { armError } from './errors.ts'

/** The configuration as GET answers it: each secret without its value. */
export function hideSecretValues(configuration: Json): Json {
  if (Array.isArray(configuration.secrets)) {
    configuration.secrets = configuration.secrets.map((x: Json) => ({
      name: x.name,
      ...(x.keyVaultUrl ? { keyVaultUrl: x.keyVaultUrl } : {}),
      ...(x.identity ? { identity: x.identity } : {})
    }))
  }
  return configuration
}

/** A GET view with the secret values put back from the written properties (what the sandbox's own API shows). */
export function revealSecretValues(view: Json, properties: Json): Json {
  view.properties.configuration.secrets = structuredClone(properties.configuration?.secrets ?? [])
  return view
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
