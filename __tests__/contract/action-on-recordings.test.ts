// The action's read, plan and verify code on real Azure answers (recorded; see __fixtures__/recordings): the SDK
// clients it builds read the recorded bytes, so a shape the sandbox never produces (nulls, lowercase keys, a
// failed revision that is still active, an operation that ends before the revision is ready) reaches the same
// code a run would.
import { describe, expect, it } from '@jest/globals'
import type { Revision } from '@azure/arm-appcontainers'
import { CacheQueue } from '../../src/cache-queue.js'
import { waitForRevision } from '../../src/apply/revision.js'
import { describeFailure, describeRevision, readRevisionState } from '../../src/domain/revision.js'
import { explainAzureError } from '../../src/azure/explain.js'
import { resolveCloud } from '../../src/domain/cloud.js'
import { Deadline } from '../../src/deadline.js'
import type { RunConfig } from '../../src/inputs/types.js'
import type { Target } from '../../src/domain/target.js'
import { planAssignment } from '../../src/plan/assignment-plan.js'
import { planIdentity } from '../../src/plan/identity-plan.js'
import { planConnection } from '../../src/plan/plan-connection.js'
import { readCache } from '../../src/read/read-cache.js'
import { ReadError, readState } from '../../src/read/read-state.js'
import { patchTemplate } from '../../src/read/target.js'
import type { RunContext } from '../../src/run-context.js'
import { cacheFacts } from '../../src/domain/cache.js'
import { controlPlaneChecks } from '../../src/verify/control-plane.js'
import { body, recording } from './recordings.ts'
import { replay, replayClients, SUBSCRIPTION } from './replay.ts'
import type { Route } from './replay.ts'

// Names as recorded.
const APP_RG = 'rg-azdtest-d23239f'
const APP = 'app-w7djqs5ah3wpg'
const CACHE_RG = 'cli_test_redis000001'
const CACHE = 'cliredis000002'
const UAMI_NAME = 'mi-w7djqs5ah3wpg'
const UAMI_RECORDED_KEY = `/subscriptions/${SUBSCRIPTION}/resourcegroups/${APP_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${UAMI_NAME}`

const target: Target = { kind: 'app', name: APP, resourceGroup: APP_RG }

function inputs(o: Partial<RunConfig> = {}): RunConfig {
  return {
    subscriptionId: SUBSCRIPTION,
    auth: {
      method: 'oidc',
      tenantId: '00000000-0000-0000-0000-000000000001',
      clientId: '00000000-0000-0000-0000-000000000002'
    },
    environment: 'azurecloud',
    targets: [target],
    redisName: CACHE,
    redisResourceGroup: CACHE_RG,
    redisKind: 'redis',
    accessPolicy: 'Data Contributor',
    identity: { kind: 'system' },
    variables: {
      host: 'REDIS_HOST',
      port: 'REDIS_PORT',
      objectId: 'REDIS_OBJECT_ID',
      clientId: 'AZURE_CLIENT_ID'
    },
    mode: 'apply',
    wait: true,
    timeoutMinutes: 5,
    timeoutExplicit: true,
    probeRedis: false,
    removeIdentity: false,
    deleteSharedAssignment: false,
    enableEntraAuth: false,
    disableAccessKeys: false,
    ...o
  }
}

const recorded = (method: string, path: RegExp, name: string): Route => ({
  method,
  path,
  answer: recording(name).response
})
const appPath = /\/providers\/Microsoft\.App\/containerApps\/app-w7djqs5ah3wpg$/i
const cachePath = /\/providers\/Microsoft\.Cache\/redis\/cliredis000002$/i
const classicCacheRoutes = [
  recorded('GET', cachePath, 'redis-cache-get'),
  recorded('GET', /\/redis\/cliredis000002\/accessPolicies$/i, 'redis-access-policies-list'),
  recorded('GET', /\/redis\/cliredis000002\/accessPolicyAssignments$/i, 'redis-assignments-list')
]

function context(routes: Route[], o: Partial<RunConfig> = {}): RunContext {
  return {
    config: inputs(o),
    target,
    cloud: resolveCloud('azurecloud'),
    clients: replayClients(replay(routes)),
    credential: { getToken: async () => null },
    deadline: new Deadline(60_000),
    sleep: async () => undefined,
    pollIntervalMs: 1,
    pace: 1,
    cacheQueue: new CacheQueue()
  }
}

describe('the action on real Azure answers', () => {
  it('plans from a real app GET and a real cache GET: values from hostName and sslPort, every container field kept', async () => {
    const ctx = context([recorded('GET', appPath, 'containerapp-get-before'), ...classicCacheRoutes])
    const state = await readState(ctx.clients, ctx.config, ctx.target, ctx.deadline)
    const identity = planIdentity(state.app.identity, ctx.config.identity, state.userIdentity)
    const plan = planConnection(state, ctx.config, ctx.target, identity)

    expect(plan.blockers).toEqual([])
    if (!plan.ready) throw new Error('the plan is blocked')
    expect(plan.values).toMatchObject({ host: 'cliredis000002.redis.cache.windows.net', port: '6380' })
    // The app has only its user-assigned identity: the system one is added and the user one is resent as read.
    expect(identity).toMatchObject({ change: 'add', before: `user-assigned ${UAMI_NAME}` })
    expect(identity.patch).toEqual({
      type: 'SystemAssigned,UserAssigned',
      userAssignedIdentities: { [UAMI_RECORDED_KEY]: {} }
    })
    // The recorded container has no env at all; it gains the three variables and keeps every other field.
    const recordedApp = body<{ properties: { template: { containers: object[] } } }>(
      'containerapp-get-before'
    )
    const [container] = plan.variables?.containers ?? []
    const { env, ...rest } = container ?? {}
    expect(rest).toEqual(recordedApp.properties.template.containers[0])
    expect(rest).toHaveProperty('resources', { cpu: 0.5, memory: '1Gi', ephemeralStorage: '2Gi' })
    expect(env?.map(e => e.name)).toEqual(['REDIS_HOST', 'REDIS_PORT', 'REDIS_OBJECT_ID'])
    // The real built-in policies are found by name; nothing is assigned to this identity yet.
    expect(plan.assignment).toMatchObject({ action: 'create', policy: 'Data Contributor' })
  })

  it('finds the user-assigned identity the app already has although Azure spells its key with resourcegroups', async () => {
    const resourceId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${APP_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${UAMI_NAME}`
    const ctx = context([recorded('GET', appPath, 'containerapp-get-before'), ...classicCacheRoutes])
    const state = await readState(ctx.clients, ctx.config, ctx.target, ctx.deadline)
    const plan = planIdentity(state.app.identity, {
      kind: 'user',
      resourceId,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: APP_RG,
      name: UAMI_NAME
    })
    expect(plan).toMatchObject({
      change: 'none',
      principalId: '00000000-0000-0000-0000-0000000000b1',
      clientId: '00000000-0000-0000-0000-0000000000c1'
    })
  })

  it('reads secrets: null and an absent env as nothing to keep, not as an error', async () => {
    const ctx = context([recorded('GET', appPath, 'containerapp-get'), ...classicCacheRoutes])
    const state = await readState(ctx.clients, ctx.config, ctx.target, ctx.deadline)
    expect(state.app.configuration?.secrets ?? undefined).toBeUndefined()
    expect(state.app.template?.revisionSuffix).toBe('azd-1775762551')
  })

  it('judges a real failed revision as failed, in Azure’s words, although it is active and takes all traffic', () => {
    const revision = body<{ name: string; properties: Revision }>('containerapp-revision-get')
    const flat: Revision = { name: revision.name, ...revision.properties }
    const reading = readRevisionState(flat)
    expect(reading.phase).toBe('failed')
    expect(describeFailure(revision.name, reading)).toContain('Failed:redisContainerCrashing')
    expect(describeRevision(flat)).toMatch(/^Failed \(health Unhealthy.*provisioning Failed\)$/)
  })

  it('stops waiting at once for a real revision that failed, with the reason Azure gives', async () => {
    const revisionName = 'a1ujx--7f979gk'
    const ctx = context([
      recorded(
        'GET',
        /\/containerApps\/app-w7djqs5ah3wpg\/revisions\/a1ujx--7f979gk$/i,
        'containerapp-revision-get'
      ),
      recorded('GET', appPath, 'containerapp-get')
    ])
    await expect(waitForRevision(ctx, revisionName)).rejects.toThrow(
      `Revision ${revisionName} is provisioning Failed: 1/1 Failed:redisContainerCrashing`
    )
  })

  it('verify on real reads: Entra on, the revision failed, the new revision is not the latest ready one', async () => {
    const ctx = context([recorded('GET', appPath, 'containerapp-get'), ...classicCacheRoutes])
    const state = await readState(ctx.clients, ctx.config, ctx.target, ctx.deadline)
    const raw = body<{ name: string; properties: Revision }>('containerapp-revision-get')
    expect(cacheFacts(state.cache).entraOn).toBe(true)
    const checks = controlPlaneChecks(ctx, {
      app: state.app,
      cache: state.cache,
      assignments: state.cache.assignments,
      revision: { name: raw.name, ...raw.properties },
      policy: 'Data Contributor'
    })
    const byId = Object.fromEntries(checks.map(c => [c.id, c]))
    expect(byId['entra-auth']?.status).toBe('passed')
    // The app's identity is user-assigned only: with identity system requested, there is nothing to pass.
    expect(byId.identity?.status).toBe('failed')
    expect(byId.revision).toMatchObject({ status: 'failed' })
    expect(byId.revision?.evidence).toContain('Failed:redisContainerCrashing')
    expect(byId.revision?.evidence).toContain(
      'the latest revision app-w7djqs5ah3wpg--azd-1775762551 is not ready'
    )
    expect(byId.variables?.status).toBe('failed')
  })

  it('follows the real PATCH LRO (202, Azure-AsyncOperation, Retry-After 0) to Succeeded, then asks its Location', async () => {
    const http = replay([
      recorded('PATCH', appPath, 'containerapp-patch'),
      recorded(
        'GET',
        /\/containerappOperationStatuses\/d60d7ae5-68d2-4766-b2c2-5cbdb48dfcd3$/,
        'containerapp-operation-status'
      ),
      recorded('GET', appPath, 'containerapp-get')
    ])
    const clients = replayClients(http)
    const target = { kind: 'app' as const, name: APP, resourceGroup: APP_RG }
    // After Succeeded, the SDK's poller (@azure/arm-resources' generic update, which sends the containers as
    // given) reads the operation's Location (containerappOperationResults), where azd's Go client read the app:
    // no public recording has that answer, so the replay names the gap (the live test, npm run test:live against
    // Azure, covers it).
    await expect(
      patchTemplate(clients, target, [{ name: 'app', image: 'x' }], { updateIntervalInMs: 1 })
    ).rejects.toThrow(/no recording answers GET \S+\/containerappOperationResults\/d60d7ae5/)
    expect(http.requests.map(r => r.replace(/\/subscriptions\/[^ ]+\/(?=[^/]+\/[^/]+$)/, '…/'))).toEqual([
      `PATCH …/containerApps/${APP}`,
      'GET …/containerappOperationStatuses/d60d7ae5-68d2-4766-b2c2-5cbdb48dfcd3',
      'GET …/containerappOperationResults/d60d7ae5-68d2-4766-b2c2-5cbdb48dfcd3'
    ])
  })

  it('reads a real Azure Managed Redis cluster, database and assignment into the plan’s terms', async () => {
    const clusterId = /\/providers\/Microsoft\.Cache\/redisEnterprise\/clitest-as-000001$/i
    const assignment = recording('redisenterprise-assignment-get').response
    const ctx = context(
      [
        {
          method: 'GET',
          path: clusterId,
          answer: { ...recording('redisenterprise-cluster').response, status: 200 }
        },
        recorded(
          'GET',
          /\/redisEnterprise\/clitest-as-000001\/databases\/default$/i,
          'redisenterprise-database-get'
        ),
        {
          method: 'GET',
          path: /\/databases\/default\/accessPolicyAssignments$/i,
          // A list page around the recorded item (the list itself was not recorded).
          answer: { ...assignment, body: { value: [assignment.body] } }
        }
      ],
      {
        redisName: 'clitest-as-000001',
        redisResourceGroup: 'clitest-redisenterprise-as-000002',
        redisKind: 'managed-redis'
      }
    )
    const cache = await readCache(ctx.clients, ctx.config, ctx.deadline.signal)
    // The cluster's host name and the database's port, each from its own resource.
    expect(cache).toMatchObject({
      kind: 'managed-redis',
      hostName: 'clitest-as-000001.centraluseuap.redis.azure.net',
      port: 10000
    })
    expect(cache).not.toHaveProperty('cache')
    const objectId = '00000000-0000-0000-0000-00000000a3d1'
    expect(cache.assignments).toEqual([
      expect.objectContaining({
        name: 'defaultTestEntraApp1',
        objectId,
        accessPolicyName: 'default',
        provisioningState: 'Succeeded'
      })
    ])
    const plan = planAssignment({
      assignments: cache.assignments,
      policies: cache.policies,
      wantedPolicy: 'default',
      objectId,
      alias: APP
    })
    expect(plan.plan).toMatchObject({ action: 'unchanged', name: 'defaultTestEntraApp1' })
  })

  it('explains a real ResourceNotFound as a read of the named app that failed, with a fix and no stack', async () => {
    const ctx = context([recorded('GET', appPath, 'arm-error-not-found'), ...classicCacheRoutes])
    const failure = await readState(ctx.clients, ctx.config, ctx.target, ctx.deadline).catch(
      (e: unknown) => e
    )
    expect(failure).toBeInstanceOf(ReadError)
    const explained = explainAzureError(
      failure instanceof ReadError ? failure.cause : failure,
      `read app ${APP}`
    )
    expect(explained).toMatchObject({ status: 404, code: 'ResourceNotFound' })
    expect(explained.message).toContain("The Resource 'Microsoft.App/containerApps/matell-azdacaapi'")
    expect(explained.fix).toMatch(/Check the names/)
    expect(explained.message).not.toMatch(/\bat \S+ \(/)
  })
})
