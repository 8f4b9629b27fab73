// Issue 11, items 3 and 13: a run never reverts what someone else changed while it ran, nor drops what the SDK
// does not know. Each write is planned from a read taken right before it; another pipeline's deploy or identity,
// made between the run's first read and its writes (here: right after that read, while the cache read is slow),
// survives, and so do container properties the SDK's model lacks.
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP, APP_RG, CACHE, CACHE_RG, envOf, startWorld, stopWorlds } from '../../launcher/world.ts'
import type { Container } from '../../sandbox/arm/wire.ts'

afterEach(stopWorlds)

/** The containers of an app, job or revision as the sandbox holds them. */
const containersOf = (view: { properties: { template?: { containers?: Container[] | null } | null } }) =>
  view.properties.template?.containers ?? []

/** The run's first read of the app; a hook on its answer acts between that read and the run's writes. */
const FIRST_APP_READ = { method: 'GET', path: new RegExp(`/containerApps/${APP}$`) }
/** The cache read, held a while: the run waits on it after reading the app, as on a slow Azure. */
const SLOW_CACHE_READ = {
  method: 'GET',
  path: new RegExp(`/redis/${CACHE}$`),
  kind: 'delay' as const,
  delayMs: 1500
}

describe('another pipeline writes while the run waits', () => {
  it('a deploy (new image, new variable) made during a slow read is kept; the run still connects', async () => {
    // The app has its identity already (a rerun, or an identity made by Bicep): the variables PATCH is the run's
    // first write, so only a read taken right before it can know of the deploy.
    const world = await startWorld({
      app: {
        containers: [
          { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
        ],
        identity: { type: 'SystemAssigned' }
      }
    })
    const { sandbox } = world
    sandbox.faults.add(SLOW_CACHE_READ)
    const deploy = sandbox.onRequest(FIRST_APP_READ, () => {
      const [api] = containersOf(sandbox.getContainerApp(APP_RG, APP))
      sandbox.updateContainerApp(APP_RG, APP, {
        properties: {
          template: {
            containers: [
              {
                ...api,
                image: 'ghcr.io/octo-org/orders:2',
                env: [...(api?.env ?? []), { name: 'FEATURE_X', value: 'on' }]
              }
            ]
          }
        }
      })
    })

    const run = await world.run()

    expect([deploy.fired, deploy.error]).toEqual([1, undefined])
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(containersOf(app).map(c => c.image)).toEqual(['ghcr.io/octo-org/orders:2'])
    expect(envOf(app, 'api')).toMatchObject({
      LOG_LEVEL: 'info',
      FEATURE_X: 'on',
      REDIS_OBJECT_ID: app.identity.principalId
    })
    // The revision the run made runs the deployed image, not the one the run first read.
    const latest = sandbox.listRevisions(APP_RG, APP).at(-1)
    expect(latest && containersOf(latest)[0]?.image).toBe('ghcr.io/octo-org/orders:2')
    expect(run.result.outputs.verified).toBe(true)
  })

  it('a user-assigned identity another pipeline attached mid-run stays attached next to the system one', async () => {
    const world = await startWorld()
    const { sandbox } = world
    const other = sandbox.addUserAssignedIdentity(APP_RG, 'other-pipeline-id')
    sandbox.faults.add(SLOW_CACHE_READ)
    const attach = sandbox.onRequest(FIRST_APP_READ, () =>
      sandbox.updateContainerApp(APP_RG, APP, {
        identity: { type: 'UserAssigned', userAssignedIdentities: { [other.id]: {} } }
      })
    )

    const run = await world.run({ identity: 'system' })

    expect([attach.fired, attach.error]).toEqual([1, undefined])
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    expect(app.identity.type).toBe('SystemAssigned,UserAssigned')
    expect(Object.keys(app.identity.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
      other.id.toLowerCase()
    ])
    expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
    expect(run.result.outputs['principal-id']).toBe(app.identity.principalId)
  })

  it('an assignment another pipeline made for the identity mid-run is adopted, not written again', async () => {
    const world = await startWorld({
      app: {
        containers: [{ name: 'api', image: 'ghcr.io/octo-org/orders:1' }],
        identity: { type: 'SystemAssigned' }
      }
    })
    const { sandbox } = world
    const principal = sandbox.getContainerApp(APP_RG, APP).identity.principalId ?? ''
    const made = sandbox.onRequest({ method: 'GET', path: /\/accessPolicyAssignments$/ }, () =>
      sandbox.addAssignment(CACHE_RG, CACHE, 'made-elsewhere', {
        objectId: principal,
        accessPolicyName: 'Data Contributor'
      })
    )

    const run = await world.run({ identity: 'system' })

    expect([made.fired, made.error]).toEqual([1, undefined])
    expect(run.exitCode).toBe(0)
    const puts = sandbox.requestLog.filter(e => e.method === 'PUT' && /accessPolicyAssignments/.test(e.path))
    expect(puts).toEqual([])
    expect(run.result.outputs['assignment-name']).toBe('made-elsewhere')
    expect(sandbox.listAssignments(CACHE_RG, CACHE).map(a => [a.name, a.properties.objectId])).toEqual([
      ['made-elsewhere', principal]
    ])
  })
})

describe('container properties the SDK does not know', () => {
  // imageType is a real property of newer api-versions (BaseContainer.imageType, see sandbox/SPEC.md) that
  // @azure/arm-appcontainers 4.0.0 lacks; futureProperty stands for whatever Azure adds next.
  const container = {
    name: 'api',
    image: 'ghcr.io/octo-org/orders:1',
    imageType: 'ContainerImage',
    futureProperty: { rollout: 'canary', weights: [90, 10], note: 'ünïcode ✓' },
    env: [{ name: 'LOG_LEVEL', value: 'info' }]
  }
  const rest = (c: Container | undefined): string => JSON.stringify({ ...c, env: undefined })

  it('survive a connect of an app, byte for byte, in the app and in the PATCH that set the variables', async () => {
    const world = await startWorld({ app: { containers: [container] } })
    const { sandbox } = world
    const [before] = containersOf(sandbox.getContainerApp(APP_RG, APP))

    const run = await world.run()

    expect(run.exitCode).toBe(0)
    const [after] = containersOf(sandbox.getContainerApp(APP_RG, APP))
    expect(rest(after)).toBe(rest(before))
    expect(JSON.stringify(after?.futureProperty)).toBe(JSON.stringify(container.futureProperty))
    expect(after?.imageType).toBe('ContainerImage')
    const patch = sandbox.requestLog.find(
      e =>
        e.method === 'PATCH' &&
        /\/containerApps\//.test(e.path) &&
        JSON.stringify(e.body).includes('template')
    )
    expect(JSON.stringify(patch?.body)).toContain(JSON.stringify(container.futureProperty))
    expect(envOf(sandbox.getContainerApp(APP_RG, APP), 'api').REDIS_PORT).toBeDefined()
  })

  it('survive a connect of a job too', async () => {
    const world = await startWorld({ app: false })
    const { sandbox } = world
    sandbox.addContainerAppJob(APP_RG, 'nightly-sync', { containers: [container] })
    const [before] = containersOf(sandbox.getContainerAppJob(APP_RG, 'nightly-sync'))

    const run = await world.run({ 'container-app': '', 'container-app-job': 'nightly-sync' })

    expect(run.exitCode).toBe(0)
    const [after] = containersOf(sandbox.getContainerAppJob(APP_RG, 'nightly-sync'))
    expect(rest(after)).toBe(rest(before))
    expect((after?.env ?? []).map(e => e.name)).toContain('REDIS_HOST')
  })
})
