import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import type { ContainerApp, Job } from '@azure/arm-appcontainers'
import type { Sandbox } from '../../sandbox/index.ts'
import { API_VERSIONS } from '../../src/azure/api-versions.js'
import { armToken, modularOptions, raw, workflowCredential } from './helpers.ts'
import { containerAppsClient, startWorkflowSandbox } from './workflow-sandbox.ts'

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of pages) items.push(item)
  return items
}

describe('sandbox Microsoft.App lists by subscription', () => {
  let sandbox: Sandbox
  let client: ContainerAppsAPIClient
  let shared = ''

  beforeAll(async () => {
    ;({ sandbox, client } = await startWorkflowSandbox(containerAppsClient))
    shared = sandbox.addUserAssignedIdentity('rg-ids', 'shared').id
    const identity = { type: 'UserAssigned', userAssignedIdentities: { [shared]: {} } }
    sandbox.addContainerApp('rg-a', 'one', { identity, secrets: [{ name: 's', value: 'hidden' }] })
    sandbox.addContainerApp('rg-a', 'two')
    sandbox.addContainerApp('rg-b', 'three', { identity })
    sandbox.addContainerAppJob('rg-b', 'nightly', { identity })
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('lists every container app of the subscription, across resource groups and pages, as GET shows them', async () => {
    sandbox.clearLog()
    const apps: ContainerApp[] = await all(client.containerApps.listBySubscription())
    expect(apps.map(a => a.name).sort()).toEqual(['one', 'three', 'two'])
    const one = apps.find(a => a.name === 'one')
    expect(Object.keys(one?.identity?.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
      shared.toLowerCase()
    ])
    expect(one?.configuration?.secrets).toEqual([{ name: 's' }])
    // Two pages of two: the SDK followed nextLink.
    expect(sandbox.requestLog.filter(e => e.service === 'arm').map(e => [e.operation, e.status])).toEqual([
      ['containerApps.listBySubscription', 200],
      ['containerApps.listBySubscription', 200]
    ])
  })

  it('lists every job of the subscription', async () => {
    const jobs: Job[] = await all(client.jobs.listBySubscription())
    expect(jobs.map(j => [j.name, j.type])).toEqual([['nightly', 'Microsoft.App/jobs']])
    expect(Object.keys(jobs[0].identity?.userAssignedIdentities ?? {})).toHaveLength(1)
  })

  it('403 AuthorizationFailed over the subscription for a caller whose roles are on resource groups only', async () => {
    const scoped = sandbox.addWorkflowIdentity({
      roles: [
        { role: 'Contributor', scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/rg-a` },
        { role: 'Contributor', scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/rg-b` }
      ]
    })
    const credential = workflowCredential(sandbox, scoped.clientId)
    const narrow = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    await expect(narrow.containerApps.get('rg-a', 'one')).resolves.toMatchObject({ name: 'one' })
    await expect(all(narrow.containerApps.listBySubscription())).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed'
    })
    // The SDK's pager words its own message ("Pagination failed…"); ARM's names the action and the scope.
    const answer = await raw(
      sandbox,
      `${sandbox.armEndpoint}/subscriptions/${sandbox.subscriptionId}/providers/Microsoft.App/containerApps?api-version=${API_VERSIONS.containerApps}`,
      { headers: { authorization: `Bearer ${await armToken(credential)}` } }
    )
    expect(answer.json.error.message).toBe(
      `The client '${scoped.objectId}' with object id '${scoped.objectId}' does not have authorization to perform action 'Microsoft.App/containerApps/read' over scope '/subscriptions/${sandbox.subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
    )
    await expect(all(narrow.jobs.listBySubscription())).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed'
    })
  })
})
