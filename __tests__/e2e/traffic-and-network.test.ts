// Two honest reports: traffic in Multiple revision mode, and a data-plane probe that cannot reach the cache.
import { afterEach, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { APP, APP_RG, startWorld, type World, stopWorlds } from '../../launcher/world.ts'
import { modularOptions, workflowCredential } from '../sandbox/helpers.ts'

let world: World | undefined
afterEach(stopWorlds)

it('in Multiple revision mode, reports the traffic split as it is, with a warning when the new revision gets little', async () => {
  world = await startWorld({ app: { containers: [{ name: 'api' }], activeRevisionsMode: 'Multiple' } })
  const { sandbox } = world
  const stable = sandbox.listRevisions(APP_RG, APP)[0].name as string
  // The team pins 80 % to the current revision, as a canary setup would.
  const apps = new ContainerAppsAPIClient(
    workflowCredential(sandbox, world.workflow.clientId),
    sandbox.subscriptionId,
    modularOptions(sandbox)
  )
  const app = await apps.containerApps.get(APP_RG, APP)
  await apps.containerApps.update(APP_RG, APP, {
    location: app.location,
    configuration: {
      ingress: {
        ...app.configuration?.ingress,
        traffic: [
          { revisionName: stable, weight: 80 },
          { latestRevision: true, weight: 20 }
        ]
      }
    }
  })

  const run = await world.run()
  expect(run.exitCode).toBe(0)
  const traffic = run.result.checks.find(c => c.id === 'traffic')
  expect(traffic?.status).toBe('warning')
  expect(traffic?.evidence).toContain(`Multiple revision mode: ${stable}: 80%`)
  expect(traffic?.evidence).toContain('20% reaches the revision with the variables')
  expect(traffic?.fix).toContain('traffic')
  expect(run.summary).toContain('⚠️')
})

it('probe-redis tells a network failure apart from WRONGPASS and NOPERM, and says what to do', async () => {
  // Without a data plane the cache has its Azure host name, which this machine cannot reach.
  world = await startWorld({ dataPlane: false })
  const run = await world.run({ 'probe-redis': 'true', 'timeout-minutes': '1' })
  expect(run.exitCode).toBe(1)
  const probe = run.result.checks.find(c => c.id === 'probe-redis')
  expect(probe?.status).toBe('failed')
  expect(probe?.evidence).toMatch(/could not reach the cache/)
  expect(probe?.evidence).not.toMatch(/WRONGPASS|NOPERM/)
  expect(probe?.fix).toMatch(/private endpoint|firewall/)
  expect(run.result.checks.filter(c => c.status === 'failed').map(c => c.id)).toEqual(['probe-redis'])
})
