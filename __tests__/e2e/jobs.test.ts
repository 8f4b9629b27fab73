// End to end: Container Apps jobs (Microsoft.App/jobs), alone, by resource ID, and with an app in one run.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armRequests,
  armWrites,
  envOf,
  startWorld,
  type World,
  stopWorlds
} from '../../launcher/world.ts'

const JOB = 'nightly-sync'
const NO_REVISIONS = 'jobs have no revisions; the next execution uses the template'

let world: World | undefined
afterEach(stopWorlds)

/** A scheduled job with a secret variable, a Key Vault secret, a registry and an init container. */
async function jobWorld(): Promise<World> {
  const w = await startWorld({ app: false })
  w.sandbox.addContainerAppJob(APP_RG, JOB, {
    triggerType: 'Schedule',
    containers: [
      {
        name: 'sync',
        image: 'ghcr.io/octo-org/sync:1',
        env: [
          { name: 'MODE', value: 'nightly' },
          { name: 'DB_PASSWORD', secretRef: 'db-password' }
        ]
      }
    ],
    initContainers: [{ name: 'migrate', env: [{ name: 'STEP', value: 'migrate' }] }],
    secrets: [
      { name: 'db-password', value: 's3cret' },
      { name: 'kv-secret', keyVaultUrl: 'https://kv.vault.azure.net/secrets/x', identity: 'system' }
    ],
    registries: [{ server: 'ghcr.io', username: 'octo', passwordSecretRef: 'db-password' }]
  })
  return w
}

const onlyJob = { 'container-app': '', 'container-app-job': JOB }

/** Requests about revisions, of any app or job: a job run makes and reads none. */
function revisionRequests(w: World): { method: string; path: string }[] {
  return armRequests(w.sandbox).filter(e => /revisions/i.test(e.path))
}

describe('a fresh Container Apps job', () => {
  it('gets an identity, an assignment and the variables in its template, keeps its secrets, makes no revision; a rerun writes nothing', async () => {
    world = await jobWorld()
    const { sandbox } = world
    const before = sandbox.getContainerAppJob(APP_RG, JOB)

    const run = await world.run(onlyJob)
    expect(run.exitCode).toBe(0)
    const job = sandbox.getContainerAppJob(APP_RG, JOB)
    const principalId = job.identity.principalId as string
    expect(job.identity.type).toBe('SystemAssigned')
    expect(principalId).toMatch(/^[0-9a-f-]{36}$/)
    const cache = sandbox.getCache(CACHE_RG, CACHE)
    expect(envOf(job, 'sync')).toEqual({
      MODE: 'nightly',
      DB_PASSWORD: 'secretRef:db-password',
      REDIS_HOST: cache.properties.hostName,
      REDIS_PORT: String(cache.properties.sslPort),
      REDIS_OBJECT_ID: principalId
    })
    // Secrets with their values, registries, the trigger and the init containers are exactly as they were.
    expect(job.properties.configuration).toEqual(before.properties.configuration)
    expect(job.properties.template.initContainers).toEqual(before.properties.template.initContainers)
    expect(job.properties.configuration.secrets).toContainEqual({ name: 'db-password', value: 's3cret' })

    const assignments = sandbox.listAssignments(CACHE_RG, CACHE)
    expect(assignments.map(a => a.properties)).toEqual([
      expect.objectContaining({
        objectId: principalId,
        objectIdAlias: JOB,
        accessPolicyName: 'Data Contributor',
        provisioningState: 'Succeeded'
      })
    ])

    // The job PATCHes: the identity alone, then the template's containers alone — never `configuration`.
    const patches = sandbox.requestLog.filter(e => e.operation === 'jobs.update' && e.method === 'PATCH')
    expect(patches.map(p => p.body)).toEqual([
      { identity: { type: 'SystemAssigned' } },
      { properties: { template: { containers: expect.any(Array) } } }
    ])
    expect(revisionRequests(world)).toEqual([])

    expect(run.outputs).toMatchObject({
      'principal-id': principalId,
      'assignment-name': principalId,
      revision: '',
      changed: 'true',
      verified: 'true'
    })
    expect(run.result.steps.map(s => [s.id, s.status])).toEqual([
      ['sign-in', 'done'],
      ['identity', 'updated'],
      ['assignment', 'created'],
      ['variables', 'updated']
    ])
    expect(run.result.steps.find(s => s.id === 'variables')?.title).toBe('Job variables')
    expect(run.result.checks.map(c => [c.id, c.status])).toEqual([
      ['identity', 'passed'],
      ['entra-auth', 'passed'],
      ['assignment', 'passed'],
      ['variables', 'passed'],
      ['sign-in-identity', 'passed'],
      ['revision', 'skipped'],
      ['traffic', 'skipped']
    ])
    expect(run.result.checks.find(c => c.id === 'variables')?.evidence).toContain('in the job template')
    for (const id of ['revision', 'traffic'])
      expect(run.result.checks.find(c => c.id === id)?.evidence).toBe(NO_REVISIONS)
    expect((run.result as unknown as { target: object }).target).toMatchObject({ app: JOB, kind: 'job' })
    expect(run.summary).toContain(`Container Apps job <code>${JOB}</code>`)
    expect(run.summary).toContain(`/providers/Microsoft.App/jobs/${JOB}">Container Apps job</a>`)
    expect(run.summary).not.toContain('latest ready revision')

    sandbox.clearLog()
    const again = await world.run(onlyJob)
    expect(again.exitCode).toBe(0)
    expect(armWrites(sandbox)).toEqual([])
    expect(revisionRequests(world)).toEqual([])
    expect(again.outputs).toMatchObject({ changed: 'false', verified: 'true', 'principal-id': principalId })
    expect(again.summary).toContain('Already connected')
    expect(sandbox.getContainerAppJob(APP_RG, JOB)).toEqual(job)
  })

  it('verify fails an unconfigured job and passes a configured one, writing nothing; plan says what would change', async () => {
    world = await jobWorld()
    const { sandbox } = world

    const plan = await world.run({ ...onlyJob, mode: 'plan' })
    expect(plan.exitCode).toBe(0)
    expect(plan.result.steps.filter(s => s.status === 'planned').map(s => [s.id, s.after])).toEqual([
      ['identity', 'system-assigned'],
      ['assignment', expect.any(String)],
      ['variables', 'set in the job template (the next execution uses it)']
    ])
    expect(armWrites(sandbox)).toEqual([])

    const unconfigured = await world.run({ ...onlyJob, mode: 'verify' })
    expect(unconfigured.exitCode).toBe(1)
    expect(unconfigured.outputs.verified).toBe('false')
    expect(unconfigured.result.checks.find(c => c.id === 'identity')).toMatchObject({
      title: 'Job has the managed identity',
      status: 'failed',
      evidence: 'the job has no system-assigned identity'
    })
    expect(armWrites(sandbox)).toEqual([])

    expect((await world.run(onlyJob)).exitCode).toBe(0)
    sandbox.clearLog()
    const configured = await world.run({ ...onlyJob, mode: 'verify' })
    expect(configured.exitCode).toBe(0)
    expect(configured.outputs).toMatchObject({ verified: 'true', changed: 'false', revision: '' })
    expect(armWrites(sandbox)).toEqual([])
    expect(revisionRequests(world)).toEqual([])
    expect(configured.result.checks.map(c => [c.id, c.status])).toEqual([
      ['identity', 'passed'],
      ['entra-auth', 'passed'],
      ['assignment', 'passed'],
      ['variables', 'passed'],
      ['sign-in-identity', 'passed'],
      ['revision', 'skipped'],
      ['traffic', 'skipped']
    ])
  })

  it('refuses health-url when every target is a job, before any request to Azure', async () => {
    world = await jobWorld()
    const run = await world.run({ ...onlyJob, 'health-url': 'https://example.com/healthz' })
    expect(run.exitCode).toBe(1)
    expect(run.result.failure?.title).toBe('Invalid input')
    expect(run.result.failure?.message).toContain('"health-url" does not apply to Container Apps jobs')
    expect(armRequests(world.sandbox)).toEqual([])
  })
})

describe('a job by resource ID', () => {
  it('is recognised as a job in container-app, in the resource group of its ID', async () => {
    world = await startWorld({ app: false })
    const { sandbox } = world
    const id = sandbox.addContainerAppJob('rg-jobs', JOB, {
      containers: [{ name: 'sync', env: [{ name: 'MODE', value: 'nightly' }] }]
    })
    expect(id).toMatch(/\/providers\/Microsoft\.App\/jobs\/nightly-sync$/)

    const run = await world.run({ 'container-app': id })
    expect(run.exitCode).toBe(0)
    const job = sandbox.getContainerAppJob('rg-jobs', JOB)
    expect(envOf(job, 'sync')).toMatchObject({ MODE: 'nightly', REDIS_OBJECT_ID: job.identity.principalId })
    expect(run.outputs).toMatchObject({ revision: '', verified: 'true' })
    expect((run.result as unknown as { target: object }).target).toMatchObject({
      app: JOB,
      kind: 'job',
      resourceGroup: 'rg-jobs'
    })
    expect(armRequests(sandbox).some(e => /containerApps/i.test(e.path))).toBe(false)
  })
})

describe('an app and a job in one run', () => {
  it('connects both to the cache, with a revision for the app only and outputs keyed by name', async () => {
    world = await startWorld()
    const { sandbox } = world
    sandbox.addContainerAppJob(APP_RG, JOB, { containers: [{ name: 'sync' }] })
    const revisionsBefore = sandbox.listRevisions(APP_RG, APP).length

    const run = await world.run({ 'container-app': APP, 'container-app-job': JOB })
    expect(run.exitCode).toBe(0)
    const app = sandbox.getContainerApp(APP_RG, APP)
    const job = sandbox.getContainerAppJob(APP_RG, JOB)
    expect(envOf(app, 'api').REDIS_OBJECT_ID).toBe(app.identity.principalId)
    expect(envOf(job, 'sync').REDIS_OBJECT_ID).toBe(job.identity.principalId)
    expect(
      sandbox
        .listAssignments(CACHE_RG, CACHE)
        .map(a => a.properties.objectId)
        .sort()
    ).toEqual([app.identity.principalId, job.identity.principalId].sort())
    expect(sandbox.listRevisions(APP_RG, APP)).toHaveLength(revisionsBefore + 1)

    // One line per app or job, apps first (container-app, then container-app-job); a job has no revision.
    expect(run.outputs.revision).toBe(`${app.properties.latestReadyRevisionName}\n`)
    expect(run.outputs['principal-id']).toBe(`${app.identity.principalId}\n${job.identity.principalId}`)
    const results = JSON.parse(run.outputs.results).apps as Record<
      string,
      { target: { kind: string }; steps: { id: string }[] }
    >
    expect(results[APP].target.kind).toBe('app')
    expect(results[JOB].target.kind).toBe('job')
    expect(results[APP].steps.map(s => s.id)).toContain('revision')
    expect(results[JOB].steps.map(s => s.id)).not.toContain('revision')
    expect(run.outputs.verified).toBe('true')
    expect(run.summary).toContain('2 apps and jobs connected')
    expect(run.summary).toContain(`Container Apps job <code>${JOB}</code>`)

    world.sandbox.clearLog()
    const again = await world.run({ 'container-app': APP, 'container-app-job': JOB })
    expect(again.exitCode).toBe(0)
    expect(again.outputs.changed).toBe('false')
    expect(armWrites(sandbox)).toEqual([])
  })
})

describe('disconnecting a job', () => {
  it('removes the assignment and the variables from its template (no revision); remove-identity keeps the identity its Key Vault secret uses', async () => {
    world = await jobWorld()
    const { sandbox } = world
    const before = sandbox.getContainerAppJob(APP_RG, JOB)
    expect((await world.run(onlyJob)).exitCode).toBe(0)

    sandbox.clearLog()
    const run = await world.run({ ...onlyJob, mode: 'disconnect', 'remove-identity': 'true' })
    expect(run.exitCode).toBe(0)
    const job = sandbox.getContainerAppJob(APP_RG, JOB)
    expect(sandbox.listAssignments(CACHE_RG, CACHE)).toEqual([])
    expect(envOf(job, 'sync')).toEqual({ MODE: 'nightly', DB_PASSWORD: 'secretRef:db-password' })
    // The secret kv-secret reads Key Vault as the system identity: without it the job could not start.
    expect(job.identity.type).toBe('SystemAssigned')
    expect(job.properties.configuration).toEqual(before.properties.configuration)
    expect(revisionRequests(world)).toEqual([])
    expect(run.result.steps.find(s => s.id === 'identity')).toMatchObject({
      status: 'skipped',
      after: 'kept: Key Vault secret kv-secret uses it'
    })
    expect(run.result.checks.map(c => [c.id, c.status, c.evidence])).toEqual([
      ['assignment-removed', 'passed', expect.any(String)],
      ['variables-removed', 'passed', expect.stringContaining('the job template')],
      ['identity-kept', 'warning', expect.stringContaining('Key Vault secret kv-secret uses it')]
    ])
    expect(run.outputs.changed).toBe('true')
  })
})
