import { describe, expect, it } from '@jest/globals'
import { planAssignment } from '../../src/plan/assignment-plan.js'
import { planIdentity } from '../../src/plan/identity-plan.js'
import { planVariables } from '../../src/plan/variables-plan.js'

const policies = [{ name: 'Data Owner' }, { name: 'Data Contributor' }, { name: 'Data Reader' }]
const names = {
  host: 'REDIS_HOST',
  port: 'REDIS_PORT',
  objectId: 'REDIS_OBJECT_ID',
  clientId: 'AZURE_CLIENT_ID'
}
const UAMI =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull'

describe('planIdentity', () => {
  it('adds the system identity and keeps user-assigned ones, sending only their keys', () => {
    const plan = planIdentity(
      { type: 'UserAssigned', userAssignedIdentities: { [UAMI]: { principalId: 'p', clientId: 'c' } } },
      { kind: 'system' }
    )
    expect(plan.patch).toEqual({
      type: 'SystemAssigned,UserAssigned',
      userAssignedIdentities: { [UAMI]: {} }
    })
  })
  it('changes nothing when the identity is there', () => {
    expect(planIdentity({ type: 'SystemAssigned', principalId: 'p' }, { kind: 'system' })).toMatchObject({
      change: 'none',
      principalId: 'p'
    })
  })
  it('attaches a user-assigned identity, keeping the system one', () => {
    const plan = planIdentity(
      { type: 'SystemAssigned', principalId: 'p' },
      { kind: 'user', resourceId: UAMI, subscriptionId: 's', resourceGroup: 'rg', name: 'pull' },
      { id: UAMI, principalId: 'u', clientId: 'c' }
    )
    expect(plan).toMatchObject({
      change: 'add',
      principalId: 'u',
      clientId: 'c',
      patch: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [UAMI]: {} } }
    })
  })
})

describe('planAssignment', () => {
  const base = { policies, wantedPolicy: 'Data Contributor', objectId: 'oid', alias: 'app' }
  it('adopts an assignment found by object id under any name', () => {
    const { plan } = planAssignment({
      ...base,
      assignments: [
        { name: 'legacy', objectId: 'OID', accessPolicyName: 'Data Reader', provisioningState: 'Succeeded' }
      ]
    })
    expect(plan).toMatchObject({ action: 'update', name: 'legacy', policy: 'Data Contributor' })
  })
  it('creates one named after the object id by default', () => {
    expect(planAssignment({ ...base, assignments: [] }).plan).toMatchObject({ action: 'create', name: 'oid' })
  })
  it('refuses a name that belongs to another principal', () => {
    const { blockers } = planAssignment({
      ...base,
      requestedName: 'shared',
      assignments: [{ name: 'shared', objectId: 'other' }]
    })
    expect(blockers[0].message).toContain('already used')
  })
  it('lists the policies when the wanted one is missing', () => {
    expect(planAssignment({ ...base, wantedPolicy: 'Nope', assignments: [] }).blockers[0].message).toContain(
      '"Data Owner", "Data Contributor", "Data Reader"'
    )
  })
})

describe('planVariables', () => {
  const values = { host: 'h', port: '6380', objectId: 'oid' }
  it('upserts in selected containers, keeps secretRefs and restores empty values', () => {
    const { plan } = planVariables({
      names,
      values,
      selected: ['api'],
      containers: [
        {
          name: 'api',
          env: [{ name: 'EMPTY' }, { name: 'S', secretRef: 's' }, { name: 'REDIS_PORT', value: '10000' }]
        },
        { name: 'worker', env: [] }
      ]
    })
    expect(plan?.containers[0].env).toEqual([
      { name: 'EMPTY', value: '' },
      { name: 'S', secretRef: 's' },
      { name: 'REDIS_PORT', value: '6380' },
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_OBJECT_ID', value: 'oid' }
    ])
    expect(plan?.containers[1].env).toEqual([])
    expect(plan?.changes.map(c => [c.name, c.before, c.after])).toEqual([
      ['REDIS_HOST', undefined, 'h'],
      ['REDIS_PORT', '10000', '6380'],
      ['REDIS_OBJECT_ID', undefined, 'oid']
    ])
  })
  it('has no changes when every value matches', () => {
    const env = [
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_PORT', value: '6380' },
      { name: 'REDIS_OBJECT_ID', value: 'oid' }
    ]
    expect(planVariables({ names, values, containers: [{ name: 'api', env }] }).plan?.changes).toEqual([])
  })
  it('replaces a variable that was a secret reference', () => {
    const { plan } = planVariables({
      names,
      values,
      containers: [{ name: 'api', env: [{ name: 'REDIS_HOST', secretRef: 'host' }] }]
    })
    expect(plan?.changes[0]).toMatchObject({ name: 'REDIS_HOST', before: 'secretRef:host', after: 'h' })
  })
})
