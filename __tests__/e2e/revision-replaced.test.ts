// End to end: another pipeline deploys the app while the run waits for the revision its variables made. In Single
// revision mode the newer revision, once ready, deactivates the run's (it reads Stopped); in either mode the app
// runs the newer one. The run then waits for the revision the app runs and judges that one: it carries the
// variables when the other deploy started from the app's current template, and not when it replaced the template.
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP, APP_RG, startWorld, stopWorlds, type ActionRun } from '../../launcher/world.ts'
import type { Container } from '../../sandbox/arm/wire.ts'

afterEach(stopWorlds)

/** Short, so both revisions are ready (and the run's deactivated) by the wait's second read. */
const REVISION_MS = 400
const CONTAINERS = [
  { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
]
/** The wait's first read of the run's revision: the PATCH that made it has finished, so the app takes writes. */
const FIRST_REVISION_READ = { method: 'GET', path: new RegExp(`/containerApps/${APP}/revisions/[^/]+$`) }

const check = (run: ActionRun, id: string) => run.result.checks.find(c => c.id === id)

async function runWithDeployDuringWait(
  mode: 'Single' | 'Multiple',
  deploy: (api: Container) => Container
): Promise<{ run: ActionRun; ours: string; theirs: string }> {
  const world = await startWorld({
    latency: { revisionReadyMs: REVISION_MS },
    app: { containers: CONTAINERS, identity: { type: 'SystemAssigned' }, activeRevisionsMode: mode }
  })
  const { sandbox } = world
  let ours = ''
  const hook = sandbox.onRequest(FIRST_REVISION_READ, () => {
    ours = sandbox.listRevisions(APP_RG, APP).at(-1)?.name ?? ''
    const api = sandbox.getContainerApp(APP_RG, APP).properties.template?.containers?.[0]
    if (!api) throw new Error('the app has no container')
    sandbox.updateContainerApp(APP_RG, APP, { properties: { template: { containers: [deploy(api)] } } })
  })
  const run = await world.run()
  expect([hook.fired, hook.error]).toEqual([1, undefined])
  const theirs = sandbox.listRevisions(APP_RG, APP).at(-1)?.name ?? ''
  expect(theirs).not.toBe(ours)
  return { run, ours, theirs }
}

describe('another deploy replaces the revision the run waits for', () => {
  it.each(['Single', 'Multiple'] as const)(
    '%s revision mode: the newer revision keeps the variables; the run waits for it, verifies it and says so',
    async mode => {
      const { run, ours, theirs } = await runWithDeployDuringWait(mode, api => ({
        ...api,
        image: 'ghcr.io/octo-org/orders:2'
      }))
      expect(run.exitCode).toBe(0)
      expect(run.outputs.verified).toBe('true')
      expect(run.outputs.revision).toBe(theirs)
      expect(check(run, 'revision')?.evidence).toContain(theirs)
      expect(check(run, 'variables')?.evidence).toContain(`revision ${theirs}`)
      expect(run.stdout).toContain(`Revision ${ours} was replaced by ${theirs}`)
      // The summary and the annotations say it: what was checked is not the revision the run made.
      expect(run.summary).toContain(`${ours}, made by this run, was replaced by ${theirs}`)
      expect(run.warnings.map(w => w.message).join('\n')).toContain(`replaced by ${theirs}`)
    }
  )

  it('the newer revision dropped the variables: the run fails on them, naming that revision', async () => {
    const { run, theirs } = await runWithDeployDuringWait('Single', api => ({
      ...api,
      image: 'ghcr.io/octo-org/orders:2',
      env: (api.env ?? []).filter(v => !v.name?.startsWith('REDIS_'))
    }))
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    expect(check(run, 'variables')).toMatchObject({ status: 'failed' })
    expect(check(run, 'variables')?.evidence).toContain(`revision ${theirs}`)
    expect(check(run, 'variables')?.evidence).toContain('REDIS_HOST is missing')
  })
})
