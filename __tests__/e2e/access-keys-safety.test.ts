// disable-access-keys never turns keys off while a revision of the app may still use them: traffic pinned to a
// revision without the Entra variables, or an active revision that references a key or a connection string.
import { afterEach, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { APP, APP_RG, CACHE, CACHE_RG, startWorld, stopWorlds, type World } from '../../launcher/world.ts'
import { modularOptions, workflowCredential } from '../sandbox/helpers.ts'

afterEach(stopWorlds)

function appsClient(world: World): ContainerAppsAPIClient {
  return new ContainerAppsAPIClient(
    workflowCredential(world.sandbox, world.workflow.clientId),
    world.sandbox.subscriptionId,
    modularOptions(world.sandbox)
  )
}

/** The team sets the traffic split itself (portal, az containerapp ingress traffic set). */
async function setTraffic(
  world: World,
  traffic: { revisionName?: string; latestRevision?: boolean; weight: number }[]
) {
  const apps = appsClient(world)
  const app = await apps.containerApps.get(APP_RG, APP)
  await apps.containerApps.update(APP_RG, APP, {
    location: app.location,
    configuration: { ingress: { ...app.configuration?.ingress, traffic } }
  })
}

function keysStayedOn(world: World): void {
  expect(world.sandbox.getCache(CACHE_RG, CACHE).properties.disableAccessKeyAuthentication).toBe(false)
  expect(world.sandbox.requestLog.filter(e => e.operation === 'redis.update')).toEqual([])
}

const INGRESS = { external: true, targetPort: 8080 }

it('Multiple mode with 100 % pinned to the old revision, whose connection string holds the key: keys stay on, with the reason', async () => {
  const world = await startWorld({ app: false })
  const { sandbox } = world
  const host = sandbox.getCache(CACHE_RG, CACHE).properties.hostName as string
  sandbox.addContainerApp(APP_RG, APP, {
    activeRevisionsMode: 'Multiple',
    ingress: INGRESS,
    secrets: [
      { name: 'redis-conn', value: `${host}:6380,password=old-primary-key,ssl=True,abortConnect=False` }
    ],
    containers: [{ name: 'api', env: [{ name: 'REDIS_CONNECTION_STRING', secretRef: 'redis-conn' }] }]
  })
  const old = sandbox.listRevisions(APP_RG, APP)[0].name as string
  await setTraffic(world, [{ revisionName: old, weight: 100 }])

  const run = await world.run({ 'disable-access-keys': 'true' })
  // The connection itself is made and verified; only the keys are left alone.
  expect(run.exitCode).toBe(0)
  keysStayedOn(world)
  const keys = run.result.steps.find(s => s.id === 'access-keys')
  expect(keys?.status).toBe('skipped')
  expect(keys?.detail).toContain(`0% of traffic reaches revision ${run.outputs.revision}`)
  expect(keys?.detail).toContain(`${old}: 100%`)
  expect(keys?.detail).toContain(`revision ${old}`)
  expect(keys?.detail).toContain('REDIS_CONNECTION_STRING')
  expect(run.warnings.map(w => w.message).join('\n')).toMatch(/Access keys were left on/)
  // The key itself never appears anywhere.
  expect(run.stdout + run.summary + run.outputs.result).not.toContain('old-primary-key')
}, 90_000)

it('an active old revision with a plain connection string that carries the key: keys stay on, though all traffic reaches the new one', async () => {
  const world = await startWorld({ app: false })
  const { sandbox } = world
  const host = sandbox.getCache(CACHE_RG, CACHE).properties.hostName as string
  sandbox.addContainerApp(APP_RG, APP, {
    activeRevisionsMode: 'Multiple',
    ingress: INGRESS,
    containers: [
      { name: 'api', env: [{ name: 'CACHE_URL', value: `rediss://:old-primary-key@${host}:6380/0` }] }
    ]
  })
  const old = sandbox.listRevisions(APP_RG, APP)[0].name as string
  await setTraffic(world, [{ latestRevision: true, weight: 100 }])

  const run = await world.run({ 'disable-access-keys': 'true' })
  expect(run.exitCode).toBe(0)
  keysStayedOn(world)
  const detail = run.result.steps.find(s => s.id === 'access-keys')?.detail ?? ''
  expect(detail).toContain(`revision ${old}`)
  expect(detail).toContain('CACHE_URL')
  expect(detail).toMatch(/access key/)
  expect(run.stdout + run.summary + run.outputs.result).not.toContain('old-primary-key')
}, 90_000)

it('a variable that references a secret the action cannot read: keys stay on, saying what it could not prove', async () => {
  const world = await startWorld({
    app: {
      secrets: [{ name: 'cache-secret', value: 'whatever' }],
      containers: [{ name: 'api', env: [{ name: 'CACHE_PASSWORD', secretRef: 'cache-secret' }] }]
    }
  })
  const run = await world.run({ 'disable-access-keys': 'true' })
  expect(run.exitCode).toBe(0)
  keysStayedOn(world)
  const detail = run.result.steps.find(s => s.id === 'access-keys')?.detail ?? ''
  expect(detail).toContain('CACHE_PASSWORD')
  expect(detail).toContain('secret cache-secret')
  expect(detail).toMatch(/cannot read secret values/)
  // The action never read the secret's value to decide.
  expect(world.sandbox.requestLog.filter(e => /listSecrets/i.test(e.path))).toEqual([])
}, 90_000)

it('Multiple mode with all traffic on the new revision and no key anywhere: keys go off', async () => {
  const world = await startWorld({
    app: { activeRevisionsMode: 'Multiple', ingress: INGRESS, containers: [{ name: 'api' }] }
  })
  await setTraffic(world, [{ latestRevision: true, weight: 100 }])
  const run = await world.run({ 'disable-access-keys': 'true' })
  expect(run.exitCode).toBe(0)
  expect(run.result.steps.find(s => s.id === 'access-keys')?.status).toBe('updated')
  expect(world.sandbox.getCache(CACHE_RG, CACHE).properties.disableAccessKeyAuthentication).toBe(true)
  // The step starts from the run's one read of the cache, which already said which kind it is.
  const log = world.sandbox.requestLog
  const patch = log.findIndex(e => e.operation === 'redis.update')
  expect(log.slice(0, patch).filter(e => e.operation === 'redis.get')).toHaveLength(1)
}, 90_000)
