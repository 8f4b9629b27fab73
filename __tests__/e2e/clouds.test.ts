// Sovereign clouds: the sandbox plays each cloud's Resource Manager (its token audience) and Entra, and the
// action must ask for the right OIDC audience and ARM scope and link to the right portal.
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP_RG, CACHE_RG, OIDC_AUDIENCE, startWorld, type World, stopWorlds } from '../../launcher/world.ts'
import { API_VERSIONS } from '../../src/azure/api-versions.js'

let world: World | undefined
afterEach(stopWorlds)

const CLOUDS = [
  ['azurecloud', 'https://management.azure.com/.default', 'https://portal.azure.com/'],
  ['azureusgovernment', 'https://management.usgovcloudapi.net/.default', 'https://portal.azure.us/'],
  ['azurechinacloud', 'https://management.chinacloudapi.cn/.default', 'https://portal.azure.cn/']
] as const

describe.each(CLOUDS)('%s', (cloud, armScope, portal) => {
  it('asks GitHub for the cloud audience, Entra for the cloud ARM scope, and links the cloud portal', async () => {
    world = await startWorld({ cloud, dataPlane: false })
    const run = await world.run({ environment: cloud })
    expect(run.exitCode).toBe(0)
    expect(world.sandbox.idTokensIssued.length).toBeGreaterThan(0)
    expect(new Set(world.sandbox.idTokensIssued.map(t => t.audience))).toEqual(
      new Set([OIDC_AUDIENCE[cloud]])
    )
    const scopes = world.sandbox.tokensIssued.map(t => t.scope)
    expect(scopes).toContain(armScope)
    expect(scopes.every(s => s === armScope)).toBe(true)
    expect(run.summary).toContain(`href="${portal}`)
  })
})

/** The api-version the action pins for the provider an ARM path belongs to; a cache's LRO URLs carry the
 * version of the write that started them (Managed Redis in a run against Managed Redis). */
function pinnedFor(path: string, cache: 'redis' | 'managedRedis'): string {
  if (/\/providers\/Microsoft\.App\//i.test(path)) return API_VERSIONS.containerApps
  if (/\/providers\/Microsoft\.ManagedIdentity\//i.test(path)) return API_VERSIONS.managedIdentity
  if (/\/providers\/Microsoft\.Cache\/redisEnterprise\//i.test(path)) return API_VERSIONS.managedRedis
  if (/\/providers\/Microsoft\.Cache\/redis\//i.test(path)) return API_VERSIONS.redis
  if (/\/providers\/Microsoft\.Cache\/locations\//i.test(path)) return API_VERSIONS[cache]
  return `no pinned version for ${path}`
}

describe.each(CLOUDS.map(([cloud]) => cloud))('%s serves every api-version the action pins', cloud => {
  it('apps, jobs, a user-assigned identity and a classic cache: every ARM request used the pinned version', async () => {
    world = await startWorld({ cloud, dataPlane: false })
    const { sandbox } = world
    sandbox.addContainerAppJob(APP_RG, 'nightly', {
      containers: [{ name: 'job', image: 'ghcr.io/octo-org/job:1' }]
    })
    const uami = sandbox.addUserAssignedIdentity('rg-ids', 'orders-id')
    const run = await world.run({ environment: cloud, 'container-app-job': 'nightly', identity: uami.id })
    expect(run.result.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    const requests = sandbox.requestLog
      .filter(e => e.service === 'arm')
      .map(e => ({ path: e.path, apiVersion: e.apiVersion }))
    expect(requests.filter(r => r.apiVersion !== pinnedFor(r.path, 'redis'))).toEqual([])
    // Every provider is called (the cache's kind is detected, so Managed Redis is asked too).
    expect(new Set(requests.map(r => r.apiVersion))).toEqual(new Set(Object.values(API_VERSIONS)))
  })

  it('Azure Managed Redis: every ARM request used the pinned version', async () => {
    world = await startWorld({ cloud, dataPlane: false })
    world.sandbox.addManagedRedis(CACHE_RG, 'orders-amr')
    const run = await world.run({ environment: cloud, 'redis-name': 'orders-amr' })
    expect(run.result.failure).toBeUndefined()
    expect(run.exitCode).toBe(0)
    const requests = world.sandbox.requestLog
      .filter(e => e.service === 'arm')
      .map(e => ({ path: e.path, apiVersion: e.apiVersion }))
    expect(requests.filter(r => r.apiVersion !== pinnedFor(r.path, 'managedRedis'))).toEqual([])
    expect(requests.some(r => r.apiVersion === API_VERSIONS.managedRedis)).toBe(true)
  })
})

it("a GitHub token with another cloud's audience is refused (AADSTS700212), and the action says which audience to use", async () => {
  world = await startWorld({ cloud: 'azureusgovernment', dataPlane: false })
  // The federated credential expects the US Government audience: signing in for the public cloud fails.
  const run = await world.run({ environment: 'azurecloud' })
  expect(run.exitCode).toBe(1)
  expect(run.result.failure?.message).toMatch(/AADSTS700212/)
  expect(run.result.failure?.fix).toContain('api://AzureADTokenExchange')
})
