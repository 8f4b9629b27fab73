// Input hygiene: resource IDs whose resource group would bend the request URL are refused; Unicode resource-group
// names that Azure allows are accepted.
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP, CACHE, startWorld, stopWorlds, type ActionRun } from '../../launcher/world.ts'

afterEach(stopWorlds)

/** A failure must be a clear message, never a stack trace. */
function expectInvalidInput(run: ActionRun, input: string) {
  expect(run.exitCode).toBe(1)
  expect(run.errors[0]?.properties.title).toBe('Invalid input')
  expect(run.errors[0]?.message).toContain(`"${input}"`)
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
}

describe('resource IDs whose resource group would bend the request URL', () => {
  const SUB = '00000000-0000-0000-0000-000000000000'
  const cacheId = (group: string) =>
    `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Cache/redis/${CACHE}`
  const appId = (group: string) =>
    `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.App/containerApps/${APP}`
  const identityId = (group: string) =>
    `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami-orders`
  const CASES: [string, string, (group: string) => string, string][] = [
    ['redis-name', '..', cacheId, 'redis-name'],
    ['redis-name', 'rg-data?api-version=1', cacheId, 'redis-name'],
    ['redis-name', 'rg-data#x', cacheId, 'redis-name'],
    ['container-app', '..', appId, 'container-app'],
    ['container-app', 'rg?x', appId, 'container-app'],
    ['identity', '..', identityId, 'identity'],
    ['identity', 'rg#x', identityId, 'identity']
  ]
  it.each(CASES)('%s with resource group %j: invalid input, no request', async (input, group, id, named) => {
    const world = await startWorld()
    world.sandbox.clearLog()
    const run = await world.run({ 'subscription-id': SUB, [input]: id(group) })
    expectInvalidInput(run, named)
    expect(run.errors[0]?.message).toMatch(/resource group/)
    expect(world.sandbox.requestLog).toEqual([])
  })
})

it('valid Unicode resource-group names connect', async () => {
  // Letters of any script, digits, "_", "-", ".", "(" and ")" (not ending in "."), as Azure allows them.
  const appGroup = 'rg-café_(prod).ω'
  const cacheGroup = 'キャッシュ-rg'
  const world = await startWorld({ app: false })
  world.sandbox.addContainerApp(appGroup, APP, { containers: [{ name: 'api' }] })
  world.sandbox.addRedisCache(cacheGroup, 'other-cache')
  const run = await world.run({
    'resource-group': appGroup,
    'redis-name': 'other-cache',
    'redis-resource-group': cacheGroup
  })
  expect(run.result.failure).toBeUndefined()
  expect(run.exitCode).toBe(0)
  expect(world.sandbox.listAssignments(cacheGroup, 'other-cache')).toHaveLength(1)
}, 60_000)

it('a resource group that ends in a period is still refused', async () => {
  const world = await startWorld()
  const run = await world.run({ 'resource-group': 'rg-café.' })
  expectInvalidInput(run, 'resource-group')
})
