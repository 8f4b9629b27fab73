// End to end: the action against the local Azure sandbox, its run() in this process; the first test also runs the
// bundle, spawned as the runner does, to show that dist/ does the same.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armRequests,
  armWrites,
  envOf,
  everyRunAsBundle,
  leakedTokens,
  startWorld,
  type World,
  stopWorlds
} from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

describe('a fresh app', () => {
  it.each([
    ['in this process', false],
    ['the bundle', true]
  ])(
    'gets an identity, an assignment, the variables and exactly one new revision; a rerun writes nothing (%s)',
    async (_how, bundle) => {
      world = await startWorld({ bundle })
      const { sandbox } = world
      const revisionsBefore = sandbox.listRevisions(APP_RG, APP).length

      const first = await world.run()
      expect(first.ranAs).toBe(bundle || everyRunAsBundle() ? 'bundle' : 'in-process')
      expect(first.exitCode).toBe(0)
      const app = sandbox.getContainerApp(APP_RG, APP)
      const principalId = app.identity.principalId as string
      expect(principalId).toMatch(/^[0-9a-f-]{36}$/)
      const cache = sandbox.getCache(CACHE_RG, CACHE)
      expect(envOf(app, 'api')).toEqual({
        LOG_LEVEL: 'info',
        REDIS_HOST: cache.properties.hostName,
        REDIS_PORT: String(cache.properties.sslPort),
        REDIS_OBJECT_ID: principalId
      })
      expect(envOf(app, 'api').REDIS_PORT).not.toBe('10000')
      const assignments = sandbox.listAssignments(CACHE_RG, CACHE)
      expect(assignments).toHaveLength(1)
      expect(assignments[0].name).toBe(principalId)
      expect(assignments[0].properties).toMatchObject({
        objectId: principalId,
        objectIdAlias: APP,
        accessPolicyName: 'Data Contributor',
        provisioningState: 'Succeeded'
      })
      expect(sandbox.listRevisions(APP_RG, APP)).toHaveLength(revisionsBefore + 1)

      expect(first.outputs).toMatchObject({
        'principal-id': principalId,
        'client-id': '',
        'redis-host': cache.properties.hostName,
        'redis-port': String(cache.properties.sslPort),
        'assignment-name': principalId,
        revision: app.properties.latestReadyRevisionName,
        changed: 'true',
        verified: 'true'
      })
      expect(first.result.steps.map(s => [s.id, s.status])).toEqual([
        ['sign-in', 'done'],
        ['identity', 'updated'],
        ['assignment', 'created'],
        ['variables', 'updated'],
        ['revision', 'created']
      ])
      expect(first.result.checks.filter(c => c.status === 'failed')).toEqual([])
      // One notice for the app, listing its changes (GitHub shows at most 10 per step).
      expect(first.notices).toHaveLength(1)
      expect(first.notices[0].message.split('\n')).toHaveLength(4)
      expect(first.summary).toContain('Connected')
      expect(leakedTokens(first)).toEqual([])
      // One sign-in serves every ARM client of the run (MSAL's cache, asked for as the clients ask).
      expect(sandbox.tokensIssued.filter(t => /management/.test(t.scope))).toHaveLength(1)

      sandbox.clearLog()
      const again = await world.run()
      expect(again.exitCode).toBe(0)
      expect(armWrites(sandbox)).toEqual([])
      expect(sandbox.listRevisions(APP_RG, APP)).toHaveLength(revisionsBefore + 1)
      expect(again.outputs).toMatchObject({ changed: 'false', verified: 'true', 'principal-id': principalId })
      expect(armRequests(sandbox).length).toBeLessThanOrEqual(6)
      expect(again.summary).toContain('Already connected')
    }
  )
})

describe('identities', () => {
  it('adds the system identity next to an existing user-assigned one, keeping it', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'pull-identity')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(app.identity.type).toBe('SystemAssigned,UserAssigned')
    // ARM answers the key with a lower-case `resourcegroups`: the same identity, not a second one
    expect(Object.keys(app.identity.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
      uami.id.toLowerCase()
    ])
    expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
    expect(envOf(app, 'api').AZURE_CLIENT_ID).toBeUndefined()
  })

  it('attaches a given user-assigned identity and sets its client id', async () => {
    world = await startWorld()
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(CACHE_RG, 'orders-redis')
    const run = await world.run({ identity: uami.id })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(app.identity.type).toBe('UserAssigned')
    expect(envOf(app, 'api')).toMatchObject({
      REDIS_OBJECT_ID: uami.principalId,
      AZURE_CLIENT_ID: uami.clientId
    })
    expect(sandbox.listAssignments(CACHE_RG, CACHE).map(a => a.properties.objectId)).toEqual([
      uami.principalId
    ])
    expect(run.outputs).toMatchObject({
      'principal-id': uami.principalId,
      'client-id': uami.clientId,
      verified: 'true'
    })
  })
})

describe('containers', () => {
  const twoContainers = {
    containers: [
      { name: 'api', env: [{ name: 'A', value: '1' }] },
      {
        name: 'worker',
        env: [
          { name: 'EMPTY', value: '' },
          { name: 'DB_PASSWORD', secretRef: 'db-password' }
        ]
      }
    ],
    initContainers: [{ name: 'migrate', env: [{ name: 'STEP', value: 'migrate' }] }],
    secrets: [{ name: 'db-password', value: 's3cret' }]
  }

  it('sets the variables in every container, keeps other variables and leaves init containers alone', async () => {
    world = await startWorld({ app: twoContainers })
    const { sandbox } = world
    expect((await world.run()).exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    for (const name of ['api', 'worker'])
      expect(envOf(app, name).REDIS_OBJECT_ID).toBe(app.identity.principalId)
    // Azure returns an empty value without `value`; it must still be there, and be sent back as "".
    expect(app.properties.template.containers?.[1].env).toContainEqual({ name: 'EMPTY' })
    expect(envOf(app, 'worker')).toMatchObject({ DB_PASSWORD: 'secretRef:db-password' })
    const patch = world.sandbox.requestLog.find(
      e => e.method === 'PATCH' && (e.body as { properties?: { template?: unknown } })?.properties?.template
    )
    expect(JSON.stringify(patch?.body)).toContain('{"name":"EMPTY","value":""}')
    expect(app.properties.template.initContainers).toEqual([
      { name: 'migrate', env: [{ name: 'STEP', value: 'migrate' }] }
    ])
  })

  it('sets them only in the selected container, and refuses an unknown one before any write', async () => {
    world = await startWorld({ app: twoContainers })
    const { sandbox } = world
    const unknown = await world.run({ containers: 'worker, sidecar' })
    expect(unknown.exitCode).toBe(1)
    expect(unknown.result.failure?.message).toContain('"sidecar"')
    expect(unknown.result.failure?.message).toContain('"api", "worker"')
    expect(armWrites(sandbox)).toEqual([])

    expect((await world.run({ containers: 'worker' })).exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(envOf(app, 'api').REDIS_HOST).toBeUndefined()
    expect(envOf(app, 'worker').REDIS_HOST).toBeDefined()
  })
})

describe('an app with secrets', () => {
  it('keeps plain, Key Vault and registry secrets, registries and ingress exactly as they were', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const kvIdentity = sandbox.addUserAssignedIdentity(APP_RG, 'kv-reader')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api', env: [{ name: 'API_KEY', secretRef: 'api-key' }] }],
      secrets: [
        { name: 'api-key', value: 'plain-value' },
        {
          name: 'kv-secret',
          keyVaultUrl: 'https://vault.vault.azure.net/secrets/db',
          identity: kvIdentity.id
        },
        { name: 'registry-password', value: 'hunter2' }
      ],
      registries: [
        { server: 'myregistry.azurecr.io', username: 'puller', passwordSecretRef: 'registry-password' }
      ],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [kvIdentity.id]: {} } },
      ingress: { external: true, targetPort: 8080 },
      scale: {
        minReplicas: 1,
        maxReplicas: 3,
        rules: [{ name: 'http', http: { metadata: { concurrentRequests: '50' } } }]
      }
    })
    const before = sandbox.getContainerApp(APP_RG, APP)
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    const after = sandbox.getContainerApp(APP_RG, APP)
    expect(after.properties.configuration.secrets).toEqual(before.properties.configuration.secrets)
    expect(after.properties.configuration.registries).toEqual(before.properties.configuration.registries)
    expect(after.properties.configuration.ingress).toEqual(before.properties.configuration.ingress)
    expect(after.properties.template.scale).toEqual(before.properties.template.scale)
    expect(after.identity).toEqual({
      ...before.identity,
      principalId: expect.any(String),
      tenantId: expect.any(String),
      type: 'SystemAssigned,UserAssigned'
    })
    const listSecrets = sandbox.requestLog.filter(e => /listSecrets/i.test(e.path))
    expect(listSecrets).toEqual([])
  })
})

describe('assignments and policies', () => {
  it('adopts an existing assignment for the object id under another name, updating its policy in place', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const uami = sandbox.addUserAssignedIdentity(APP_RG, 'orders-redis')
    sandbox.addContainerApp(APP_RG, APP, {
      containers: [{ name: 'api' }],
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } }
    })
    sandbox.addAssignment(CACHE_RG, CACHE, 'legacy-orders', {
      objectId: uami.principalId,
      accessPolicyName: 'Data Reader',
      objectIdAlias: 'orders'
    })
    const run = await world.run({ identity: uami.id, 'access-policy': 'Data Owner' })
    expect(run.exitCode).toBe(0)
    const assignments = sandbox.listAssignments(CACHE_RG, CACHE)
    expect(assignments).toHaveLength(1)
    expect(assignments[0]).toMatchObject({
      name: 'legacy-orders',
      properties: { objectId: uami.principalId, accessPolicyName: 'Data Owner' }
    })
    expect(run.outputs['assignment-name']).toBe('legacy-orders')
    expect(run.result.steps.find(s => s.id === 'assignment')?.status).toBe('updated')
  })

  it('assigns a custom policy', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    sandbox.addRedisCache(CACHE_RG, 'custom-cache', {
      customPolicies: { 'orders-rw': '+get +set +del ~orders:*' }
    })
    sandbox.addContainerApp(APP_RG, APP, { containers: [{ name: 'api' }] })
    const run = await world.run({
      'redis-name': 'custom-cache',
      'access-policy': 'orders-rw',
      'assignment-name': 'orders-api-rw'
    })
    expect(run.exitCode).toBe(0)
    expect(sandbox.listAssignments(CACHE_RG, 'custom-cache')).toMatchObject([
      { name: 'orders-api-rw', properties: { accessPolicyName: 'orders-rw' } }
    ])
  })

  it('refuses an unknown policy, listing the ones the cache has, before any write', async () => {
    world = await startWorld()
    const run = await world.run({ 'access-policy': 'Data Writer' })
    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.message).toContain('"Data Writer" does not exist')
    expect(run.result.failure?.message).toContain('"Data Owner", "Data Contributor", "Data Reader"')
    expect(armWrites(world.sandbox)).toEqual([])
    expect(run.errors[0].message).toContain('Data Writer')
  })

  it('refuses a cache with Entra authentication off, saying how to turn it on', async () => {
    world = await startWorld()
    world.sandbox.addRedisCache(CACHE_RG, 'keys-only', { aadEnabled: false })
    const run = await world.run({ 'redis-name': 'keys-only' })
    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.message).toContain('Microsoft Entra authentication is off')
    expect(run.result.failure?.fix).toContain('aad-enabled=true')
    expect(armWrites(world.sandbox)).toEqual([])
  })
})

describe('modes', () => {
  it('plan shows the changes and writes nothing', async () => {
    world = await startWorld()
    const run = await world.run({ mode: 'plan' })
    expect(run.exitCode).toBe(0)
    expect(armWrites(world.sandbox)).toEqual([])
    expect(run.result.steps.filter(s => s.status === 'planned').map(s => s.id)).toEqual([
      'identity',
      'assignment',
      'variables'
    ])
    expect(run.result.variables.map(v => v.name)).toEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_OBJECT_ID'])
    expect(run.outputs.changed).toBe('false')
    expect(run.summary).toContain(
      `## 📝 Plan: <code>${APP}</code> → <code>${CACHE}</code> (3 steps would change)`
    )
  })

  it('verify fails an unconfigured app and passes a configured one, writing nothing', async () => {
    world = await startWorld()
    const unconfigured = await world.run({ mode: 'verify' })
    expect(unconfigured.exitCode).toBe(1)
    expect(unconfigured.outputs.verified).toBe('false')
    expect(armWrites(world.sandbox)).toEqual([])

    expect((await world.run()).exitCode).toBe(0)
    world.sandbox.clearLog()
    const configured = await world.run({ mode: 'verify' })
    expect(configured.exitCode).toBe(0)
    expect(configured.outputs.verified).toBe('true')
    expect(armWrites(world.sandbox)).toEqual([])
    expect(configured.result.checks.map(c => [c.id, c.status])).toEqual(
      expect.arrayContaining([
        ['identity', 'passed'],
        ['assignment', 'passed'],
        ['variables', 'passed'],
        ['revision', 'passed']
      ])
    )
  })
})

describe('sign-in', () => {
  it('reuses an Azure CLI session (auth: azure-cli)', async () => {
    world = await startWorld()
    world.sandbox.setAzCliLogin(world.workflow.clientId)
    const run = await world.run({ auth: 'azure-cli', 'client-id': '', 'tenant-id': '' }, { idToken: false })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
  })

  it('explains a missing id-token permission before any request', async () => {
    world = await startWorld()
    const run = await world.run({}, { idToken: false })
    expect(run.exitCode).toBe(1)
    expect(run.errors[0].properties.title).toBe('Sign in to Azure')
    expect(run.errors[0].message).toContain('Fix: Add `permissions: id-token: write`')
    expect(run.errors[0].message).toContain('fork')
    expect(run.errors[0].message).not.toContain('Fix the inputs')
    expect(run.summary).toContain('<code>permissions: id-token: write</code>')
    expect(run.summary).toContain('nothing was written to Azure')
    expect(world.sandbox.requestLog).toEqual([])
  })

  it('explains a subject that does not match the federated credential', async () => {
    world = await startWorld()
    world.sandbox.setGitHubClaims({ sub: 'repo:octo-org/octo-repo:environment:production' })
    const run = await world.run()
    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.message).toContain('AADSTS700213')
    expect(run.result.failure?.fix).toContain('repo:octo-org/octo-repo:environment:production')
    expect(run.result.failure?.fix).toContain('pull_request')
    expect(armWrites(world.sandbox)).toEqual([])
    expect(leakedTokens(run)).toEqual([])
  })
})
