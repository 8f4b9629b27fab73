import { describe, expect, it } from '@jest/globals'
import { planAssignment } from '../../src/plan/assignment-plan.js'
import { planIdentity } from '../../src/plan/identity-plan.js'
import type { ClientIdContext } from '../../src/plan/client-id-plan.js'
import { signInIdentity } from '../../src/plan/sign-in-identity.js'
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
  const signIn: ClientIdContext = { kind: 'system', identity: undefined, connecting: 'the system identity' }
  it('upserts in selected containers, keeps secretRefs and restores empty values', () => {
    const { plan } = planVariables({
      names,
      values,
      signIn,
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
    expect(
      planVariables({ names, values, signIn, containers: [{ name: 'api', env }] }).plan?.changes
    ).toEqual([])
  })
  it.each([
    ['REDIS_HOST', 'host-variable'],
    ['REDIS_PORT', 'port-variable'],
    ['REDIS_OBJECT_ID', 'object-id-variable']
  ])(
    'never replaces %s taken from a secret: it blocks, naming the container, the secret and the way out',
    (name, input) => {
      const { plan, blockers } = planVariables({
        names,
        values,
        signIn,
        containers: [
          {
            name: 'api',
            env: [
              { name: 'LOG', value: 'x' },
              { name, secretRef: 'kept' }
            ]
          }
        ]
      })
      expect(plan).toBeUndefined()
      expect(blockers).toHaveLength(1)
      expect(blockers[0].message).toBe(
        `Container "api" has ${name} from secret "kept" (secretRef). Azure does not show a secret's value, so the action can neither check it nor replace it with a plain value without dropping your secret reference.`
      )
      expect(blockers[0].fix).toContain(`--container-name api --remove-env-vars ${name}`)
      expect(blockers[0].fix).toContain(`input ${input}`)
    }
  )
  it('a name given twice: every entry gets the value, in place, and the change says how many there were', () => {
    const { plan } = planVariables({
      names,
      values,
      signIn,
      containers: [
        {
          name: 'api',
          env: [
            { name: 'REDIS_HOST', value: 'old' },
            { name: 'LOG', value: 'x' },
            { name: 'REDIS_HOST', value: 'h' },
            { name: 'REDIS_PORT', value: '6380' },
            { name: 'REDIS_OBJECT_ID', value: 'oid' }
          ]
        }
      ]
    })
    expect(plan?.containers[0].env).toEqual([
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'LOG', value: 'x' },
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_PORT', value: '6380' },
      { name: 'REDIS_OBJECT_ID', value: 'oid' }
    ])
    expect(plan?.changes).toEqual([
      { container: 'api', name: 'REDIS_HOST', before: '2 entries: old / h', after: 'h', entries: 2 }
    ])
  })
  it('a name given twice with the value in every entry is no change', () => {
    const env = [
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_PORT', value: '6380' },
      { name: 'REDIS_OBJECT_ID', value: 'oid' }
    ]
    expect(
      planVariables({ names, values, signIn, containers: [{ name: 'api', env }] }).plan?.changes
    ).toEqual([])
  })
  it('a name given twice, one of them from a secret, blocks', () => {
    const { blockers } = planVariables({
      names,
      values,
      signIn,
      containers: [
        {
          name: 'api',
          env: [
            { name: 'REDIS_HOST', value: 'h' },
            { name: 'REDIS_HOST', secretRef: 'other' }
          ]
        }
      ]
    })
    expect(blockers.map(b => b.message)).toEqual([expect.stringContaining('REDIS_HOST from secret "other"')])
  })
})

describe('client id variables (who the app signs in as)', () => {
  const values = { host: 'h', port: '6380', objectId: 'system-oid' }
  const KV =
    '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kv'
  const OLD =
    '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/old'
  const identity = {
    type: 'SystemAssigned,UserAssigned',
    principalId: 'system-oid',
    userAssignedIdentities: {
      [KV]: { principalId: 'kv-oid', clientId: 'kv-client' },
      [OLD]: { principalId: 'old-oid', clientId: 'old-client' }
    }
  }
  const system: ClientIdContext = { kind: 'system', identity, connecting: 'the system-assigned identity' }
  const user: ClientIdContext = { kind: 'user', identity, connecting: 'user-assigned identity new' }
  const plan = (
    signIn: ClientIdContext,
    env: { name: string; value?: string; secretRef?: string }[],
    clientId?: string
  ) => planVariables({ names, values: { ...values, clientId }, signIn, containers: [{ name: 'api', env }] })

  it('removes a client id it set for the identity REDIS_OBJECT_ID named, when switching to the system identity', () => {
    const { plan: p, blockers } = plan(system, [
      { name: 'AZURE_CLIENT_ID', value: 'OLD-CLIENT' },
      { name: 'REDIS_OBJECT_ID', value: 'old-oid' }
    ])
    expect(blockers).toEqual([])
    expect(p?.containers[0].env?.map(e => e.name)).toEqual(['REDIS_OBJECT_ID', 'REDIS_HOST', 'REDIS_PORT'])
    expect(p?.changes).toContainEqual({
      container: 'api',
      name: 'AZURE_CLIENT_ID',
      before: 'OLD-CLIENT',
      after: '(removed)'
    })
  })
  it('replaces a client id it set for an earlier user-assigned identity', () => {
    const { plan: p } = plan(
      user,
      [
        { name: 'AZURE_CLIENT_ID', value: 'old-client' },
        { name: 'REDIS_OBJECT_ID', value: 'old-oid' }
      ],
      'new-client'
    )
    expect(p?.changes).toContainEqual({
      container: 'api',
      name: 'AZURE_CLIENT_ID',
      before: 'old-client',
      after: 'new-client'
    })
  })
  it('never changes a client id that REDIS_OBJECT_ID does not name: it blocks, naming the identity', () => {
    for (const [signIn, clientId] of [
      [system, undefined],
      [user, 'new-client']
    ] as const) {
      const { plan: p, blockers } = plan(signIn, [{ name: 'AZURE_CLIENT_ID', value: 'kv-client' }], clientId)
      expect(p).toBeUndefined()
      expect(blockers).toHaveLength(1)
      expect(blockers[0]).toMatchObject({ step: 'identity' })
      expect(blockers[0].message).toContain('the client id of user-assigned identity kv')
      expect(blockers[0].fix).toContain(`identity: ${KV}`)
    }
    expect(plan(system, [{ name: 'AZURE_CLIENT_ID', secretRef: 'cid' }]).blockers[0].message).toContain(
      'AZURE_CLIENT_ID from secret cid'
    )
  })
  it('leaves the client id alone when it already names the identity, in any case', () => {
    const { plan: p } = plan(user, [{ name: 'AZURE_CLIENT_ID', value: 'NEW-CLIENT' }], 'new-client')
    expect(p?.changes.map(c => c.name)).not.toContain('AZURE_CLIENT_ID')
  })
})

describe('signInIdentity', () => {
  const identity = {
    type: 'SystemAssigned,UserAssigned',
    principalId: 'system-oid',
    userAssignedIdentities: { [UAMI]: { principalId: 'u-oid', clientId: 'u-client' } }
  }
  it('follows DefaultAzureCredential: a client id selects that identity, none selects the system one', () => {
    expect(
      signInIdentity([{ name: 'AZURE_CLIENT_ID', value: 'U-CLIENT' }], 'system', names, identity)
    ).toMatchObject({
      as: 'user',
      identity: { principalId: 'u-oid', name: 'pull' }
    })
    expect(signInIdentity([], 'system', names, identity)).toMatchObject({
      as: 'system',
      principalId: 'system-oid'
    })
    expect(
      signInIdentity([{ name: 'AZURE_CLIENT_ID', value: 'gone' }], 'system', names, identity)
    ).toMatchObject({
      as: 'nobody'
    })
    expect(signInIdentity([], 'system', names, { type: 'None' })).toMatchObject({ as: 'nobody' })
  })
  it('reads client-id-variable first for a user-assigned identity, then AZURE_CLIENT_ID', () => {
    const own = { ...names, clientId: 'REDIS_CLIENT_ID' }
    const env = [
      { name: 'AZURE_CLIENT_ID', value: 'other' },
      { name: 'REDIS_CLIENT_ID', value: 'u-client' }
    ]
    expect(signInIdentity(env, 'user', own, identity)).toMatchObject({ as: 'user' })
    expect(signInIdentity(env, 'system', own, identity)).toMatchObject({ as: 'nobody' })
  })
})
