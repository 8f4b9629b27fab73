// Secrets of container apps and jobs: values are written by clients, hidden by GET and handed out by listSecrets.
import { armError } from './errors.ts'
import type { AppProperties, Configuration, Secret, SecretView } from './wire.ts'

/** The configuration as GET answers it: each secret without its value. */
export function hideSecretValues(configuration: Configuration): Configuration {
  if (Array.isArray(configuration.secrets)) {
    configuration.secrets = configuration.secrets.map((x): SecretView => ({
      name: x.name,
      ...(x.keyVaultUrl ? { keyVaultUrl: x.keyVaultUrl } : {}),
      ...(x.identity ? { identity: x.identity } : {})
    }))
  }
  return configuration
}

/** A GET view with the secret values put back from the written properties (what the sandbox's own API shows). */
export function revealSecretValues<V extends { properties: { configuration: Configuration } }>(
  view: V,
  properties: AppProperties
): V {
  view.properties.configuration.secrets = structuredClone(properties.configuration?.secrets ?? [])
  return view
}

export function validateSecrets(properties: AppProperties): void {
  const secrets: Secret[] = properties.configuration?.secrets ?? []
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
