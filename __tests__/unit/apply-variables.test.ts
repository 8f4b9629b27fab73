import { describe, expect, it, jest } from '@jest/globals'
import type { Container } from '@azure/arm-appcontainers'
import { CacheQueue } from '../../src/cache-queue.js'
import { containersToWrite } from '../../src/apply/containers-to-write.js'
import type { TemplateAccess } from '../../src/apply/variables.js'
import { resolveCloud } from '../../src/domain/cloud.js'
import { Deadline } from '../../src/deadline.js'
import type { RunConfig } from '../../src/inputs/types.js'
import type { Target } from '../../src/domain/target.js'
import { planVariables, type VariablesPlan } from '../../src/plan/variables-plan.js'
import type { ArmContainer, TargetRead, TargetResource } from '../../src/read/target.js'
import type { RunContext } from '../../src/run-context.js'
import { replay, replayClients } from '../contract/replay.ts'
import { quietCore } from './quiet-core.ts'

await quietCore()
const { applyVariables } = await import('../../src/apply/variables.js')

const names = {
  host: 'REDIS_HOST',
  port: 'REDIS_PORT',
  objectId: 'REDIS_OBJECT_ID',
  clientId: 'AZURE_CLIENT_ID'
}
const values = { host: 'h', port: '6380', objectId: 'oid' }
const busy = Object.assign(new Error('Cannot modify a container app while an operation is in progress.'), {
  statusCode: 409,
  code: 'ContainerAppOperationInProgress'
})
const CONNECTED = [
  { name: 'REDIS_HOST', value: 'h' },
  { name: 'REDIS_PORT', value: '6380' },
  { name: 'REDIS_OBJECT_ID', value: 'oid' }
]

/** One read of an app with one container `api`: as the SDK gives it, and as Azure sent it. */
function readOf(env: { name: string; value: string }[], extra: ArmContainer = {}): TargetRead {
  const container: Container = { name: 'api', image: 'app:1', env }
  return {
    app: { location: 'eastus', template: { containers: [container] } },
    containers: [{ ...extra, ...container }]
  }
}
function plan(current: TargetResource): VariablesPlan {
  const planned = planVariables({
    containers: current.template?.containers ?? [],
    names,
    values,
    signIn: { kind: 'system', identity: undefined, connecting: 'the system identity' }
  })
  if (!planned.plan) throw new Error(planned.blockers.map(b => b.message).join(' '))
  return planned.plan
}

const target: Target = { kind: 'app', name: 'orders-api', resourceGroup: 'rg' }
const inputs: RunConfig = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  auth: {
    method: 'oidc',
    tenantId: '00000000-0000-0000-0000-000000000001',
    clientId: '00000000-0000-0000-0000-000000000002'
  },
  environment: 'azurecloud',
  targets: [target],
  redisName: 'cache',
  redisResourceGroup: 'rg',
  redisKind: 'redis',
  accessPolicy: 'Data Contributor',
  identity: { kind: 'system' },
  variables: names,
  mode: 'apply',
  wait: true,
  timeoutMinutes: 5,
  timeoutExplicit: true,
  probeRedis: false,
  removeIdentity: false,
  enableEntraAuth: false,
  disableAccessKeys: false,
  deleteSharedAssignment: false
}

const context = (): RunContext => ({
  config: inputs,
  target,
  cloud: resolveCloud('azurecloud'),
  // No request may reach Azure here: the template access is the test's.
  clients: replayClients(replay([])),
  credential: { getToken: async () => null },
  deadline: new Deadline(60_000),
  sleep: async () => undefined,
  pollIntervalMs: 10,
  pace: 1,
  cacheQueue: new CacheQueue()
})

function access(reads: TargetRead[], write: TemplateAccess['write']): TemplateAccess & { reads: number } {
  const state = { reads: 0 }
  return {
    get reads() {
      return state.reads
    },
    read: async () => reads[Math.min(state.reads++, reads.length - 1)],
    write
  }
}

describe('applyVariables plans each PATCH from a read taken right before it', () => {
  it("keeps a variable another writer added after the run's first read", async () => {
    // The run's first read saw only KEEP; by the time of the write, a deploy added FEATURE.
    const now = readOf([
      { name: 'KEEP', value: '1' },
      { name: 'FEATURE', value: 'on' }
    ])
    const write = jest.fn<TemplateAccess['write']>(async () => ({ latestRevisionName: 'orders-api--2' }))
    const app = await applyVariables(context(), plan, access([now], write))
    expect(write).toHaveBeenCalledTimes(1)
    const [containers] = write.mock.calls[0]
    expect(containers[0].env).toEqual([
      { name: 'KEEP', value: '1' },
      { name: 'FEATURE', value: 'on' },
      ...CONNECTED
    ])
    expect(app.latestRevisionName).toBe('orders-api--2')
  })

  it('writes nothing when the read right before the write shows the values already set', async () => {
    const done = readOf([{ name: 'KEEP', value: '1' }, ...CONNECTED])
    const write = jest.fn<TemplateAccess['write']>()
    const app = await applyVariables(context(), plan, access([done], write))
    expect(write).not.toHaveBeenCalled()
    expect(app).toBe(done.app)
  })

  it("after a conflict with another writer, reads again and keeps that writer's new variable", async () => {
    const first = readOf([{ name: 'KEEP', value: '1' }])
    const changed = readOf([
      { name: 'KEEP', value: '1' },
      { name: 'ADDED_MEANWHILE', value: 'x' }
    ])
    const write = jest
      .fn<TemplateAccess['write']>()
      .mockRejectedValueOnce(busy)
      .mockResolvedValueOnce({ latestRevisionName: 'orders-api--2' })
    const reads = access([first, changed], write)
    await applyVariables(context(), plan, reads)
    expect(reads.reads).toBe(2)
    expect(write).toHaveBeenCalledTimes(2)
    expect(write.mock.calls[1][0][0].env).toEqual([
      { name: 'KEEP', value: '1' },
      { name: 'ADDED_MEANWHILE', value: 'x' },
      ...CONNECTED
    ])
  })
})

describe('containersToWrite', () => {
  it('sends each container as Azure answered it, properties the SDK does not know included', () => {
    const read = readOf([{ name: 'KEEP', value: '1' }], {
      imageType: 'ContainerImage',
      futureField: { nested: [1, 2] },
      resources: { cpu: 0.5, memory: '1Gi', ephemeralStorage: '2Gi', gpu: 1 }
    })
    const planned = plan(read.app).containers
    const [sent] = containersToWrite(read.containers, planned)
    const { env, ...rest } = sent
    const { env: _readEnv, ...asRead } = read.containers[0]
    expect(rest).toEqual(asRead)
    expect(env).toEqual([{ name: 'KEEP', value: '1' }, ...CONNECTED])
  })

  it('sends an unchanged variable as Azure answered it, and a container without variables unchanged', () => {
    const asRead: ArmContainer[] = [
      { name: 'api', env: [{ name: 'KEEP', value: '1', futureFlag: true }] },
      { name: 'sidecar', image: 'proxy:1' }
    ]
    const planned: Container[] = [
      { name: 'api', env: [{ name: 'KEEP', value: '1' }, ...CONNECTED] },
      { name: 'sidecar', image: 'proxy:1', env: [] }
    ]
    expect(containersToWrite(asRead, planned)).toEqual([
      { name: 'api', env: [{ name: 'KEEP', value: '1', futureFlag: true }, ...CONNECTED] },
      { name: 'sidecar', image: 'proxy:1' }
    ])
  })
})
