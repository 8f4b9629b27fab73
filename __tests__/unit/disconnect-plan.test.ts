import { describe, expect, it } from '@jest/globals'
import type { EnvironmentVar, JobConfiguration } from '@azure/arm-appcontainers'
import { planDisconnect } from '../../src/plan/disconnect-plan.js'
import { identityReferences } from '../../src/plan/identity-references.js'
import type { IdentityChoice } from '../../src/inputs/types.js'
import type { TargetResource } from '../../src/read/target.js'

const names = {
  host: 'REDIS_HOST',
  port: 'REDIS_PORT',
  objectId: 'REDIS_OBJECT_ID',
  clientId: 'AZURE_CLIENT_ID'
}
const SYSTEM = '11111111-1111-1111-1111-111111111111'
const OTHER = '22222222-2222-2222-2222-222222222222'
const UAMI =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv'
const system: IdentityChoice = { kind: 'system' }
const user: IdentityChoice = {
  kind: 'user',
  resourceId: UAMI,
  subscriptionId: 's',
  resourceGroup: 'rg',
  name: 'kv'
}

const app = (env: EnvironmentVar[], more: Partial<TargetResource> = {}): TargetResource => ({
  location: 'eastus',
  identity: {
    type: 'SystemAssigned,UserAssigned',
    principalId: SYSTEM,
    userAssignedIdentities: {
      [UAMI.replace('resourceGroups', 'resourcegroups')]: { principalId: OTHER, clientId: 'c' }
    }
  },
  template: { containers: [{ name: 'api', env }] },
  ...more
})

const plan = (target: TargetResource, choice: IdentityChoice = system, removeIdentity = false) =>
  planDisconnect({
    choice,
    principalId: SYSTEM,
    assignments: [],
    app: target,
    names,
    removeIdentity
  })

describe('identityReferences: what in the app uses the identity', () => {
  it('finds registries, Key Vault secrets, scale rules (app and job) and identity settings, in any casing', () => {
    const target = app([], {
      configuration: {
        registries: [
          { server: 'a.azurecr.io', identity: UAMI.toLowerCase() },
          { server: 'b.azurecr.io', identity: 'system' }
        ],
        secrets: [{ name: 'db', keyVaultUrl: 'https://kv/secrets/db', identity: UAMI }],
        identitySettings: [{ identity: UAMI, lifecycle: 'Init' }]
      },
      template: {
        containers: [{ name: 'api' }],
        scale: { rules: [{ name: 'queue', azureQueue: { queueName: 'q', identity: UAMI } }] }
      }
    })
    expect(identityReferences(target, user)).toEqual([
      'registry a.azurecr.io',
      'Key Vault secret db',
      'its identity settings',
      'scale rule queue'
    ])
    expect(identityReferences(target, system)).toEqual(['registry b.azurecr.io'])
    // A job's event trigger rules live in its configuration.
    const job: JobConfiguration = {
      triggerType: 'Event',
      replicaTimeout: 1800,
      eventTriggerConfig: { scale: { rules: [{ name: 'sb', identity: 'System' }] } }
    }
    expect(identityReferences({ ...target, configuration: job }, system)).toEqual(['scale rule sb'])
  })

  it('a referenced identity is kept instead of removed; an unreferenced one is removed', () => {
    const used = app([], { configuration: { secrets: [{ name: 'db', identity: UAMI }] } })
    expect(plan(used, user, true).identity).toEqual({
      kind: 'keep',
      before: 'system-assigned + user-assigned kv',
      usedBy: ['Key Vault secret db']
    })
    expect(plan(app([]), user, true).identity).toMatchObject({ kind: 'remove', after: 'system-assigned' })
  })
})
