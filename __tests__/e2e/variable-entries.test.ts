// End to end: env entries the action must not treat as plain, unique values. A Redis variable taken from a secret
// (secretRef) is never replaced or deleted: the run stops before any write and says how to go on. A name given twice
// in one container has every entry set and checked, so the container sees the right value whichever it picks.
import { afterEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { APP, APP_RG, armWrites, envOf, startWorld, stopWorlds, type World } from '../../launcher/world.ts'
import { modularOptions, workflowCredential } from '../sandbox/helpers.ts'

afterEach(stopWorlds)

const SECRETS = [
  { name: 'redis-host', value: 'old-cache.redis.cache.windows.net' },
  { name: 'db-password', value: 'hunter2' }
]
/** The user's own REDIS_HOST, from a secret, next to a secret the app uses for something else. */
const FROM_SECRET = {
  containers: [
    {
      name: 'api',
      image: 'ghcr.io/octo-org/orders:1',
      env: [
        { name: 'REDIS_HOST', secretRef: 'redis-host' },
        { name: 'DB_PASSWORD', secretRef: 'db-password' }
      ]
    }
  ],
  secrets: SECRETS
}

const secretsOf = (w: World) => w.sandbox.getContainerApp(APP_RG, APP).properties.configuration.secrets
const revisionCount = (w: World) => w.sandbox.listRevisions(APP_RG, APP).length

describe('a Redis variable taken from a secret', () => {
  it('apply stops before any write, naming the container, the variable and the secret, with both ways out', async () => {
    const world = await startWorld({ app: FROM_SECRET })
    const run = await world.run()

    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.title).toBe('Cannot set the variables')
    expect(run.result.failure?.message).toContain(
      'Container "api" has REDIS_HOST from secret "redis-host" (secretRef). Azure does not show a secret\'s value'
    )
    expect(run.result.failure?.fix).toContain('--container-name api --remove-env-vars REDIS_HOST')
    expect(run.result.failure?.fix).toContain('input host-variable')
    expect(run.summary).toContain('nothing was written to Azure')
    expect(armWrites(world.sandbox)).toEqual([])
    expect(envOf(world.sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual({
      REDIS_HOST: 'secretRef:redis-host',
      DB_PASSWORD: 'secretRef:db-password'
    })
    expect(secretsOf(world)).toEqual(SECRETS)
  })

  it('plan and verify say the same, and write nothing', async () => {
    const world = await startWorld({ app: FROM_SECRET })
    for (const mode of ['plan', 'verify']) {
      const run = await world.run({ mode })
      expect(run.exitCode).toBe(1)
      expect(run.outputs.verified).toBe('false')
      expect(run.result.failure?.message).toContain('REDIS_HOST from secret "redis-host"')
    }
    expect(armWrites(world.sandbox)).toEqual([])
  })

  it('with a variable name of its own (host-variable), the run connects and leaves the secret reference as it was', async () => {
    const world = await startWorld({ app: FROM_SECRET })
    const run = await world.run({ 'host-variable': 'REDIS_ENTRA_HOST' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    expect(envOf(world.sandbox.getContainerApp(APP_RG, APP), 'api')).toEqual({
      REDIS_HOST: 'secretRef:redis-host',
      DB_PASSWORD: 'secretRef:db-password',
      REDIS_ENTRA_HOST: run.outputs['redis-host'],
      REDIS_PORT: run.outputs['redis-port'],
      REDIS_OBJECT_ID: run.outputs['principal-id']
    })
    expect(secretsOf(world)).toEqual(SECRETS)
  })

  it('disconnect never removes a variable from a secret, nor the ones it would decide, and says why', async () => {
    const world = await startWorld({ app: FROM_SECRET })
    const connected = await world.run({ 'host-variable': 'REDIS_ENTRA_HOST' })
    expect(connected.outputs.verified).toBe('true')

    // With the default names, REDIS_HOST is one of them, but it comes from a secret whose value the action cannot
    // read: whose connection REDIS_PORT and REDIS_OBJECT_ID are then cannot be told, so the group stays.
    const kept = await world.run({ mode: 'disconnect' })
    expect(kept.exitCode).toBe(0)
    expect(envOf(world.sandbox.getContainerApp(APP_RG, APP), 'api')).toMatchObject({
      REDIS_HOST: 'secretRef:redis-host',
      DB_PASSWORD: 'secretRef:db-password',
      REDIS_PORT: connected.outputs['redis-port'],
      REDIS_OBJECT_ID: connected.outputs['principal-id']
    })
    expect(kept.result.checks.find(c => c.id === 'variables-kept')).toMatchObject({
      status: 'warning',
      evidence: expect.stringContaining('REDIS_HOST comes from secret redis-host')
    })

    // With the names it connected with, the action's own variables go and the secret reference stays.
    const run = await world.run({ mode: 'disconnect', 'host-variable': 'REDIS_ENTRA_HOST' })
    expect(run.exitCode).toBe(0)
    const env = envOf(world.sandbox.getContainerApp(APP_RG, APP), 'api')
    expect(env).toEqual({ REDIS_HOST: 'secretRef:redis-host', DB_PASSWORD: 'secretRef:db-password' })
    expect(run.result.checks.find(c => c.id === 'variables-removed')).toMatchObject({ status: 'passed' })
    expect(secretsOf(world)).toEqual(SECRETS)
  })
})

describe('a Redis variable given twice in one container', () => {
  const STALE = 'old-cache.invalid'
  const TWICE = {
    containers: [
      {
        name: 'api',
        image: 'ghcr.io/octo-org/orders:1',
        env: [
          { name: 'REDIS_HOST', value: STALE },
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'REDIS_HOST', value: STALE }
        ]
      }
    ]
  }
  const hostEntries = (w: World) =>
    (w.sandbox.getContainerApp(APP_RG, APP).properties.template.containers?.[0]?.env ?? []).filter(
      e => e.name === 'REDIS_HOST'
    )

  it('apply sets every entry, in place, so the app reaches the cache whichever it reads, and warns', async () => {
    const world = await startWorld({ app: TWICE })
    const run = await world.run({
      'health-url': world.sandbox.healthUrl(APP_RG, APP),
      'timeout-minutes': '2'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    const host = run.outputs['redis-host']
    const env = world.sandbox.getContainerApp(APP_RG, APP).properties.template.containers?.[0]?.env ?? []
    expect(env.slice(0, 3)).toEqual([
      { name: 'REDIS_HOST', value: host },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'REDIS_HOST', value: host }
    ])
    // The app, through its ingress, reached Redis with the values its container sees.
    expect(run.result.checks.find(c => c.id === 'health-url')?.status).toBe('passed')
    expect(run.result.variables.find(v => v.name === 'REDIS_HOST')).toMatchObject({
      before: `2 entries: ${STALE} / ${STALE}`,
      after: host
    })
    expect(run.result.checks.find(c => c.id === 'variables')?.evidence).toContain(
      'api: REDIS_HOST ×2: every entry has the value'
    )
    expect(run.warnings.map(w => w.message)).toContainEqual(
      expect.stringContaining('Container "api" has 2 entries named REDIS_HOST; the action set each of them')
    )
    expect(revisionCount(world)).toBe(2)

    // A rerun finds every entry right: nothing to write.
    const rerun = await world.run()
    expect(rerun.outputs.changed).toBe('false')
    expect(revisionCount(world)).toBe(2)

    // Disconnect removes every entry of the name.
    const disconnected = await world.run({ mode: 'disconnect' })
    expect(disconnected.exitCode).toBe(0)
    expect(hostEntries(world)).toEqual([])
  })

  it('verify checks every entry: a stale one the runtime may pick fails the check', async () => {
    const world = await startWorld()
    const connected = await world.run()
    expect(connected.outputs.verified).toBe('true')
    const host = connected.outputs['redis-host']
    // Someone appends a second REDIS_HOST, with the old cache's host (Kubernetes would give the container this one).
    const apps = new ContainerAppsAPIClient(
      workflowCredential(world.sandbox, world.workflow.clientId),
      world.sandbox.subscriptionId,
      modularOptions(world.sandbox)
    )
    const app = await apps.containerApps.get(APP_RG, APP)
    const containers = (app.template?.containers ?? []).map(c => ({
      ...c,
      env: [...(c.env ?? []), { name: 'REDIS_HOST', value: STALE }]
    }))
    await apps.containerApps.update(APP_RG, APP, { location: app.location, template: { containers } })

    const run = await world.run({ mode: 'verify' })
    expect(run.exitCode).toBe(1)
    expect(run.result.checks.find(c => c.id === 'variables')).toMatchObject({
      status: 'failed',
      evidence: expect.stringContaining(
        `api: REDIS_HOST in 2 entries, "${host}", "${STALE}", expected "${host}"`
      )
    })
  })
})
