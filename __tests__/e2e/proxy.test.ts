// Self-hosted runners behind a forward proxy: the Azure SDK honours HTTPS_PROXY and NO_PROXY for every call to
// Resource Manager and Microsoft Entra; Node's fetch (health-url) only with NODE_USE_ENV_PROXY=1.
// The sandbox is on localhost, and nothing bypasses the proxy for localhost unless NO_PROXY says so.
// Every run is the bundle's: Node reads NODE_USE_ENV_PROXY when a process starts, and @azure/core-rest-pipeline
// reads NO_PROXY once per process.
import { afterEach, expect, it } from '@jest/globals'
import { APP, APP_RG, startWorld, stopWorlds } from '../../launcher/world.ts'
import { startConnectProxy, type ConnectProxy } from './connect-proxy.ts'

let proxy: ConnectProxy | undefined
afterEach(async () => {
  await stopWorlds()
  await proxy?.stop()
  proxy = undefined
})

const hostOf = (origin: string): string => new URL(origin).host

it('sends every Resource Manager and Entra request of a run through the CONNECT proxy in HTTPS_PROXY', async () => {
  const world = await startWorld()
  proxy = await startConnectProxy()
  const run = await world.run({}, { bundle: true, env: { HTTPS_PROXY: proxy.url } })
  expect(run.exitCode).toBe(0)
  expect(run.result.outputs.changed).toBe(true)

  const azure = world.sandbox.requestLog.filter(e => e.service === 'arm' || e.service === 'entra')
  expect(azure.filter(e => e.service === 'arm').length).toBeGreaterThan(5)
  expect(azure.filter(e => e.service === 'entra').length).toBeGreaterThan(0)
  const tunnelled = new Set(proxy.tunnels.map(t => t.upstreamPort))
  const direct = azure.filter(e => e.clientPort === undefined || !tunnelled.has(e.clientPort))
  expect(direct.map(e => `${e.service} ${e.method} ${e.path}`)).toEqual([])

  const { 'resource-manager-endpoint': arm, 'authority-host': login } = world.sandbox.endpointInputs()
  const targets = new Set(proxy.tunnels.map(t => t.target))
  expect(targets.has(hostOf(arm))).toBe(true)
  expect(targets.has(hostOf(login))).toBe(true)
  expect(proxy.refused).toEqual([])
})

it('goes direct to the hosts in NO_PROXY', async () => {
  const world = await startWorld()
  proxy = await startConnectProxy()
  const run = await world.run({}, { bundle: true, env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' } })
  expect(run.exitCode).toBe(0)
  expect(proxy.tunnels).toEqual([])
})

it('checks health-url directly with HTTPS_PROXY alone, and through the proxy with NODE_USE_ENV_PROXY=1', async () => {
  const world = await startWorld()
  const healthUrl = world.sandbox.healthUrl(APP_RG, APP)
  const ingress = hostOf(healthUrl)
  proxy = await startConnectProxy()

  const plain = await world.run(
    { 'health-url': healthUrl },
    { bundle: true, env: { HTTPS_PROXY: proxy.url } }
  )
  expect(plain.exitCode).toBe(0)
  expect(plain.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')
  expect(proxy.tunnels.filter(t => t.target === ingress)).toEqual([])
  expect(proxy.tunnels.length).toBeGreaterThan(0)

  const withNode = await world.run(
    { 'health-url': healthUrl },
    { bundle: true, env: { HTTPS_PROXY: proxy.url, NODE_USE_ENV_PROXY: '1' } }
  )
  expect(withNode.exitCode).toBe(0)
  expect(withNode.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')
  expect(proxy.tunnels.filter(t => t.target === ingress).length).toBeGreaterThan(0)
})
