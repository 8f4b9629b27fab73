// The workload the container app and job tests seed: a main container that reads a secret, a sidecar, a plain and
// a Key Vault secret, and a registry that signs in with the plain one.
import type { ContainerAppSeed } from '../../sandbox/index.ts'

export function workloadWithSecrets(main: {
  image: string
  mode: string
}): Required<Pick<ContainerAppSeed, 'containers' | 'secrets' | 'registries'>> {
  return {
    containers: [
      {
        name: 'main',
        image: main.image,
        env: [
          { name: 'MODE', value: main.mode },
          { name: 'DB_PASS', secretRef: 'db-pass' }
        ]
      },
      { name: 'sidecar', image: 'example.azurecr.io/sidecar:1' }
    ],
    secrets: [
      { name: 'db-pass', value: 's3cret' },
      { name: 'kv-secret', keyVaultUrl: 'https://kv.vault.azure.net/secrets/x', identity: 'system' }
    ],
    registries: [{ server: 'example.azurecr.io', username: 'example', passwordSecretRef: 'db-pass' }]
  }
}
