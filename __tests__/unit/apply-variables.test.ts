import { describe, expect, it, jest } from '@jest/globals'
import { applyVariables } from '../../src/apply/variables.js'
import { Deadline } from '../../src/deadline.js'
import { planVariables } from '../../src/plan/variables-plan.js'
import type { TargetResource } from '../../src/read/target.js'
import type { RunContext } from '../../src/run-context.js'

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
const appWith = (env: { name: string; value: string }[]) => ({
  location: 'eastus',
  template: { containers: [{ name: 'api', env }] }
})
const replan = (current: TargetResource) =>
  planVariables({
    containers: current.template?.containers ?? [],
    names,
    values,
    signIn: { kind: 'system', identity: undefined, connecting: 'the system identity' }
  }).plan!

/** The read hands its answer to onResponse as the SDK does, shaped as Azure sends it (the read checks it). */
const answering =
  (get: (...a: unknown[]) => Promise<unknown>) =>
  async (rg: string, name: string, o: { onResponse(r: object): void }) => {
    const app = (await get()) as { location: string; template: object }
    o.onResponse({
      status: 200,
      headers: { get: () => 'application/json' },
      bodyAsText: JSON.stringify({
        id: `/subscriptions/sub/resourceGroups/${rg}/providers/Microsoft.App/containerApps/${name}`,
        name,
        location: app.location,
        identity: { type: 'None' },
        properties: { template: app.template }
      })
    })
    return app
  }

function context(
  get: (...a: unknown[]) => Promise<unknown>,
  update: (...a: unknown[]) => Promise<unknown>
): RunContext {
  return {
    inputs: { target: { kind: 'app', name: 'orders-api', resourceGroup: 'rg' } },
    clients: { subscriptionId: 'sub', apps: { containerApps: { get: answering(get), update } } },
    deadline: new Deadline(60_000),
    sleep: async () => undefined,
    pollIntervalMs: 10
  } as unknown as RunContext
}

describe('applyVariables after a conflict with another writer', () => {
  const initial = appWith([{ name: 'KEEP', value: '1' }])

  it('re-reads, and writes nothing when the other writer already set the values', async () => {
    const done = appWith([
      { name: 'KEEP', value: '1' },
      { name: 'REDIS_HOST', value: 'h' },
      { name: 'REDIS_PORT', value: '6380' },
      { name: 'REDIS_OBJECT_ID', value: 'oid' }
    ])
    const get = jest.fn(async () => done)
    const update = jest.fn(async () => Promise.reject(busy))
    const result = await applyVariables(context(get, update), initial, replan(initial), replan)
    expect(update).toHaveBeenCalledTimes(1)
    expect(get).toHaveBeenCalledTimes(1)
    expect(result).toBe(done)
  })

  it("re-plans from the fresh read, so the other writer's new variable is kept", async () => {
    const changed = appWith([
      { name: 'KEEP', value: '1' },
      { name: 'ADDED_MEANWHILE', value: 'x' }
    ])
    const get = jest.fn(async () => changed)
    const update = jest
      .fn<(...a: unknown[]) => Promise<unknown>>()
      .mockRejectedValueOnce(busy)
      .mockResolvedValueOnce(changed)
    await applyVariables(context(get, update), initial, replan(initial), replan)
    expect(update).toHaveBeenCalledTimes(2)
    const body = update.mock.calls[1][2] as { template: { containers: { env: { name: string }[] }[] } }
    expect(body.template.containers[0].env.map(e => e.name)).toEqual([
      'KEEP',
      'ADDED_MEANWHILE',
      'REDIS_HOST',
      'REDIS_PORT',
      'REDIS_OBJECT_ID'
    ])
  })
})
