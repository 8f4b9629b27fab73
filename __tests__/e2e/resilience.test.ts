// Issue "Survive Azure's failure modes": faults, throttling, busy caches, replication delay, concurrency,
// partial failure, deadlines, bad input and token hygiene, all end to end through the bundled action.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  envOf,
  startWorld,
  type ActionRun,
  type World,
  stopWorlds
} from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

const APP_SPEC = {
  containers: [
    {
      name: 'api',
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB', secretRef: 'db' }
      ]
    }
  ],
  secrets: [{ name: 'db', value: 'p4ss' }],
  registries: [{ server: 'r.azurecr.io', username: 'u', passwordSecretRef: 'db' }],
  ingress: { external: true, targetPort: 8080 }
}

/** The user's configuration that no run may lose, whatever fails. */
function userConfiguration(w: World) {
  const app = w.sandbox.getContainerApp(APP_RG, APP)
  const env = envOf(app, 'api')
  return {
    secrets: app.properties.configuration.secrets,
    registries: app.properties.configuration.registries,
    ingress: app.properties.configuration.ingress,
    LOG_LEVEL: env.LOG_LEVEL,
    DB: env.DB
  }
}

function expectConnected(w: World) {
  const app = w.sandbox.getContainerApp(APP_RG, APP)
  const assignments = w.sandbox.listAssignments(CACHE_RG, CACHE)
  expect(assignments.map(a => a.properties.objectId)).toEqual([app.identity.principalId])
  expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
}

/** A failure must be a clear message, never a stack trace. */
function expectCleanFailure(run: ActionRun) {
  expect(run.exitCode).toBe(1)
  expect(run.errors.length).toBeGreaterThan(0)
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
}

type Call = { name: string; method: string; path: RegExp; write?: 'app' | 'cache'; seedIdentity?: boolean }
const CALLS: Call[] = [
  { name: 'GitHub OIDC token', method: 'GET', path: /idtoken/ },
  { name: 'Entra token', method: 'POST', path: /oauth2\/v2\.0\/token/ },
  { name: 'GET app', method: 'GET', path: /containerApps\/orders-api$/ },
  { name: 'GET cache', method: 'GET', path: /redis\/orders-cache$/ },
  { name: 'list access policies', method: 'GET', path: /accessPolicies$/ },
  { name: 'list assignments', method: 'GET', path: /accessPolicyAssignments$/ },
  { name: 'PATCH app identity', method: 'PATCH', path: /containerApps\/orders-api$/, write: 'app' },
  {
    name: 'PATCH app template',
    method: 'PATCH',
    path: /containerApps\/orders-api$/,
    write: 'app',
    seedIdentity: true
  },
  { name: 'PUT assignment', method: 'PUT', path: /accessPolicyAssignments\//, write: 'cache' },
  {
    name: 'LRO poll',
    method: 'GET',
    path: /(Operation(Statuses|Results)|asyncOperations|operationResults)\//
  },
  { name: 'GET revision', method: 'GET', path: /revisions\/[^/]+$/ }
]
type Fault = {
  name: string
  spec: {
    kind: 'status' | 'reset'
    status?: number
    code?: string
    message?: string
    headers?: Record<string, string>
  }
  writesOnly?: 'app' | 'cache'
}
const FAULTS: Fault[] = [
  {
    name: '429 with Retry-After',
    spec: { kind: 'status', status: 429, code: 'TooManyRequests', headers: { 'retry-after': '1' } }
  },
  { name: '503', spec: { kind: 'status', status: 503, code: 'ServiceUnavailable' } },
  { name: 'connection reset', spec: { kind: 'reset' } },
  {
    name: '409 app busy',
    spec: {
      kind: 'status',
      status: 409,
      code: 'ContainerAppOperationInProgress',
      message: 'Cannot modify a container app while an operation is in progress.'
    },
    writesOnly: 'app'
  },
  {
    name: '409 cache busy',
    spec: {
      kind: 'status',
      status: 409,
      code: 'Conflict',
      message:
        'The resource is busy processing a previous update request or is undergoing system maintenance. As such, it is currently unable to accept the update request. Please try again later.'
    },
    writesOnly: 'cache'
  }
]
const MATRIX = CALLS.flatMap(call =>
  FAULTS.filter(f => !f.writesOnly || f.writesOnly === call.write).map(
    fault => [call.name, fault.name, call, fault] as const
  )
)
const tally = { injected: 0, converged: 0, failedCleanly: 0, dataLost: 0 }

describe('fault matrix: every call the run makes, every fault Azure answers with', () => {
  afterAll(() => {
    console.log(
      `fault matrix: ${MATRIX.length} scenarios, ${tally.injected} faults injected, ${tally.converged} converged, ${tally.failedCleanly} failed cleanly then converged on rerun, ${tally.dataLost} lost data`
    )
  })

  it.each(MATRIX)('%s ← %s: converges without losing anything', async (_c, _f, call, fault) => {
    world = await startWorld({
      app: { ...APP_SPEC, ...(call.seedIdentity ? { identity: { type: 'SystemAssigned' } } : {}) }
    })
    const before = userConfiguration(world)
    world.sandbox.faults.add({ method: call.method, path: call.path, ...fault.spec })
    const run = await world.run()
    const injected = world.sandbox.faults.injected.length
    expect(injected).toBe(1)
    tally.injected += injected
    if (run.exitCode === 0) {
      tally.converged++
    } else {
      expectCleanFailure(run)
      expect((await world.run()).exitCode).toBe(0)
      tally.failedCleanly++
    }
    const lost = JSON.stringify(userConfiguration(world)) !== JSON.stringify(before)
    if (lost) tally.dataLost++
    expect(userConfiguration(world)).toEqual(before)
    expectConnected(world)
  })
})

describe('throttling', () => {
  it('honours Retry-After (seen in the request log)', async () => {
    world = await startWorld()
    world.sandbox.faults.add({
      method: 'GET',
      path: /redis\/orders-cache$/,
      kind: 'status',
      status: 429,
      code: 'TooManyRequests',
      headers: { 'retry-after': '2' }
    })
    expect((await world.run()).exitCode).toBe(0)
    const cacheGets = world.sandbox.requestLog.filter(
      e => e.service === 'arm' && e.method === 'GET' && /redis\/orders-cache$/.test(e.path)
    )
    expect(cacheGets[0].status).toBe(429)
    expect(cacheGets[1].startedAt - cacheGets[0].endedAt).toBeGreaterThanOrEqual(2000)
  })
})

describe('busy caches and new principals', () => {
  it('waits out a replication delay of a new system identity', async () => {
    world = await startWorld()
    world.sandbox.setPrincipalReplicationDelay(4000)
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/replication delay/)
    expect(
      world.sandbox.requestLog.some(
        e => e.operation === 'accessPolicyAssignments.createUpdate' && e.status === 400
      )
    ).toBe(true)
    expectConnected(world)
  })

  it('waits out a cache that stays busy for 20 s', async () => {
    world = await startWorld()
    world.sandbox.setCacheBusy(CACHE_RG, CACHE, 20_000)
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/busy with an earlier update/)
    expect(
      world.sandbox.requestLog.filter(
        e => e.operation === 'accessPolicyAssignments.createUpdate' && e.status === 409
      ).length
    ).toBeGreaterThan(0)
    expectConnected(world)
  })
})

describe('concurrency and partial failure', () => {
  it('two runs at once converge: one assignment, the variables, nothing lost', async () => {
    world = await startWorld({ app: APP_SPEC })
    const before = userConfiguration(world)
    // Two processes, as two workflow runs are: one process has one process.env for the runs in it.
    const runs = await Promise.all([world.run({}, { bundle: true }), world.run({}, { bundle: true })])
    expect(runs.map(r => r.exitCode)).toEqual([0, 0])
    expect(userConfiguration(world)).toEqual(before)
    expectConnected(world)
    expect(new Set(runs.map(r => r.outputs['principal-id'])).size).toBe(1)
  })

  it('a run that fails half-way converges when run again', async () => {
    world = await startWorld({ app: APP_SPEC })
    const before = userConfiguration(world)
    world.sandbox.faults.add({
      method: 'PUT',
      path: /accessPolicyAssignments\//,
      kind: 'status',
      status: 400,
      code: 'BadRequest',
      message: 'Something went wrong.'
    })
    const first = await world.run()
    expectCleanFailure(first)
    expect(first.result.steps.find(s => s.id === 'assignment')?.status).toBe('failed')
    expect(world.sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    const second = await world.run()
    expect(second.exitCode).toBe(0)
    expect(second.result.steps.find(s => s.id === 'identity')?.status).toBe('unchanged')
    expect(userConfiguration(world)).toEqual(before)
    expectConnected(world)
  })
})

describe('the deadline', () => {
  it('says which step was waiting and what it last saw', async () => {
    world = await startWorld({ latency: { revisionReadyMs: 60_000 } })
    const run = await world.run({ 'timeout-minutes': '0.1' })
    expectCleanFailure(run)
    expect(run.result.failure?.title).toBe('New revision')
    expect(run.result.failure?.message).toMatch(
      /timeout-minutes ran out while waiting for revision .* last seen: Processing \(health None, 0 replicas, provisioning Provisioning\)/
    )
    expect(run.summary).toContain('timeout-minutes ran out')
  })
})

describe('permissions', () => {
  it('names the missing action, the scope and a role that grants it', async () => {
    world = await startWorld()
    const reader = world.sandbox.addWorkflowIdentity({
      roles: [{ role: 'Reader', scope: `/subscriptions/${world.sandbox.subscriptionId}` }]
    })
    const run = await world.run({ 'client-id': reader.clientId })
    expectCleanFailure(run)
    expect(run.result.failure?.message).toContain('Microsoft.App/containerApps/write')
    expect(run.result.failure?.message).toContain(
      `/resourceGroups/${APP_RG}/providers/Microsoft.App/containerApps/${APP}`
    )
    expect(run.result.failure?.fix).toContain('Container Apps Contributor')
    expect(armWrites(world.sandbox).every(w => w.method === 'PATCH')).toBe(true)
  })
})

describe('bad input', () => {
  const BAD: [string, Record<string, string>, string][] = [
    ['subscription not a GUID', { 'subscription-id': 'prod' }, 'subscription-id'],
    ['tenant not a GUID', { 'tenant-id': 'contoso' }, 'tenant-id'],
    ['client id not a GUID', { 'client-id': 'deployer' }, 'client-id'],
    ['client id without tenant', { 'tenant-id': '' }, 'tenant-id'],
    ['unknown auth', { auth: 'secret' }, 'auth'],
    ['unknown environment', { environment: 'mars' }, 'environment'],
    ['app name with capitals', { 'container-app': 'Orders' }, 'container-app'],
    ['cache name with a slash', { 'redis-name': 'a/b' }, 'redis-name'],
    ['resource group with a space', { 'resource-group': 'rg apps' }, 'resource-group'],
    ['identity that is not a resource id', { identity: 'my-identity' }, 'identity'],
    ['bad container name', { containers: 'API,worker' }, 'containers'],
    ['variable name with a space', { 'port-variable': 'REDIS PORT' }, 'port-variable'],
    ['assignment name with underscore', { 'assignment-name': 'orders_api' }, 'assignment-name'],
    ['unknown mode', { mode: 'delete' }, 'mode'],
    ['wait not boolean', { wait: 'maybe' }, 'wait'],
    ['timeout out of range', { 'timeout-minutes': '0' }, 'timeout-minutes'],
    ['health url not a URL', { 'health-url': 'not a url' }, 'health-url'],
    ['http ARM endpoint', { 'resource-manager-endpoint': 'http://localhost:1' }, 'resource-manager-endpoint'],
    ['workflow command injection', { 'container-app': 'x\n::error::pwned' }, 'container-app']
  ]
  it.each(BAD)('%s: names the input, no stack trace, no request to Azure', async (_name, inputs, input) => {
    world = await startWorld()
    world.sandbox.clearLog()
    const run = await world.run(inputs)
    expectCleanFailure(run)
    expect(run.errors[0].properties.title).toBe('Invalid input')
    expect(run.errors[0].message).toContain(`"${input}"`)
    expect(run.errors.some(e => e.message === 'pwned')).toBe(false)
    expect(world.sandbox.requestLog).toEqual([])
  })

  it('hostile inputs never crash with a trace and never write (property)', async () => {
    world = await startWorld()
    const w = world
    const hostile = fc
      .oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '',
          '\n',
          '%0A',
          '::error::x',
          '<script>',
          '../../..',
          '${{ secrets.X }}',
          'a'.repeat(300),
          'Data Owner\n'
        )
      )
      // The runner passes inputs as environment variables, which cannot hold NUL.
      .map(v => v.replaceAll('\u0000', ''))
    const names = [
      'container-app',
      'redis-name',
      'resource-group',
      'identity',
      'containers',
      'access-policy',
      'assignment-name',
      'timeout-minutes',
      'health-url',
      'host-variable'
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), hostile, { minKeys: 1, maxKeys: 3 }),
        async inputs => {
          w.sandbox.clearLog()
          // In plan mode a valid input writes nothing either, so any write is a defect.
          const run = await w.run({ mode: 'plan', ...inputs })
          expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
          expect(armWrites(w.sandbox)).toEqual([])
          expect([0, 1]).toContain(run.exitCode)
          if (run.errors[0]?.properties.title === 'Invalid input') expect(w.sandbox.requestLog).toEqual([])
        }
      ),
      { numRuns: 12 }
    )
  })
})

describe('token hygiene', () => {
  it('debug logging shows requests with correlation ids and never a token or Authorization header', async () => {
    world = await startWorld()
    const run = await world.run({ 'probe-redis': 'false' }, { env: { RUNNER_DEBUG: '1' } })
    expect(run.exitCode).toBe(0)
    const debug = run.commands.filter(c => c.command === 'debug').map(c => c.message)
    expect(debug.some(d => /GET \/subscriptions\/.+ → 200 .*correlation [0-9a-f-]{36}/.test(d))).toBe(true)
    expect(run.stdout).not.toMatch(/authorization:/i)
    expect(run.stdout).not.toMatch(/Bearer\s+ey/)
    expect(run.masks.length).toBeGreaterThanOrEqual(2)
  })
})
