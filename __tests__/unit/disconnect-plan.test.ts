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
const HOST = 'orders-cache.redis.cache.windows.net'
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
    connection: { host: HOST, port: '6380', principalId: SYSTEM },
    assignments: [],
    app: target,
    names,
    removeIdentity
  })

const removed = (p: ReturnType<typeof plan>) => p.variables.changes.map(c => c.name)

describe('planDisconnect: which variables are this connection’s', () => {
  it('removes the three when they are this cache’s host and port and the identity’s object id (host in any case)', () => {
    const p = plan(
      app([
        { name: 'REDIS_HOST', value: HOST.toUpperCase() },
        { name: 'REDIS_PORT', value: '6380' },
        { name: 'REDIS_OBJECT_ID', value: SYSTEM },
        { name: 'KEEP', value: '1' }
      ])
    )
    expect(removed(p)).toEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_OBJECT_ID'])
    expect(p.kept).toEqual([])
    expect(p.variables.containers[0].env).toEqual([{ name: 'KEEP', value: '1' }])
  })

  it('keeps all of them when the host names another cache: they are that connection’s', () => {
    const p = plan(
      app([
        { name: 'REDIS_HOST', value: 'reports.redis.cache.windows.net' },
        { name: 'REDIS_PORT', value: '6380' },
        { name: 'REDIS_OBJECT_ID', value: SYSTEM }
      ])
    )
    expect(removed(p)).toEqual([])
    expect(p.kept).toEqual([
      {
        container: 'api',
        names: ['REDIS_HOST', 'REDIS_PORT', 'REDIS_OBJECT_ID'],
        reason: `REDIS_HOST is "reports.redis.cache.windows.net", not this cache's host ${HOST}: they belong to a connection to another cache`
      }
    ])
  })

  it('keeps all of them when the object id is another identity’s, and names that identity', () => {
    const p = plan(
      app([
        { name: 'REDIS_HOST', value: HOST },
        { name: 'REDIS_OBJECT_ID', value: OTHER }
      ])
    )
    expect(removed(p)).toEqual([])
    expect(p.kept[0].reason).toBe(
      `REDIS_OBJECT_ID is "${OTHER}", user-assigned identity kv's, not the object id of the system-assigned identity (${SYSTEM}): they belong to another identity's connection`
    )
  })

  it('keeps a port that is not the cache’s TLS port, and one from a secret, removing the rest', () => {
    for (const port of [{ value: '6379' }, { secretRef: 'redis-port' }]) {
      const p = plan(
        app([
          { name: 'REDIS_HOST', value: HOST },
          { name: 'REDIS_PORT', ...port },
          { name: 'REDIS_OBJECT_ID', value: SYSTEM }
        ])
      )
      expect(removed(p)).toEqual(['REDIS_HOST', 'REDIS_OBJECT_ID'])
      expect(p.kept).toEqual([{ container: 'api', names: ['REDIS_PORT'], reason: expect.any(String) }])
    }
  })

  it('never removes by value what a secret hides, nor what it decides', () => {
    const p = plan(
      app([
        { name: 'REDIS_HOST', value: HOST },
        { name: 'REDIS_PORT', value: '6380' },
        { name: 'REDIS_OBJECT_ID', secretRef: 'oid' }
      ])
    )
    expect(removed(p)).toEqual([])
    expect(p.kept[0].reason).toContain('REDIS_OBJECT_ID comes from secret oid')
  })
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
