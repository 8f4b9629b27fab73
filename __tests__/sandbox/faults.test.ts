import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { RedisManagementClient } from '@azure/arm-rediscache'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { once } from 'node:events'
import { connect } from 'node:tls'
import { armToken, hlcOptions, modularOptions, raw, workflowCredential } from './helpers.ts'

describe('sandbox faults and latency', () => {
  let sandbox: Sandbox
  let apps: ContainerAppsAPIClient
  let redis: RedisManagementClient
  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    const { clientId } = sandbox.addWorkflowIdentity()
    const credential = workflowCredential(sandbox, clientId)
    apps = new ContainerAppsAPIClient(credential, sandbox.subscriptionId, modularOptions(sandbox))
    redis = new RedisManagementClient(credential, sandbox.subscriptionId, {
      ...hlcOptions(sandbox),
      retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 }
    })
    sandbox.addContainerApp('rg', 'web')
    sandbox.addRedisCache('rg', 'cache')
    await apps.containerApps.get('rg', 'web') // warm up the credential
  })
  afterAll(async () => {
    await sandbox?.stop()
  })
  beforeEach(() => {
    sandbox.faults.clear()
    sandbox.setLatency({ armRequestMs: 0 })
    sandbox.clearLog()
  })

  it('429 with Retry-After goes through the SDK retry policy, which waits and retries', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: '/containerApps/web',
      kind: 'status',
      status: 429,
      code: 'SubscriptionRequestsThrottled',
      headers: { 'Retry-After': '1' }
    })
    const started = Date.now()
    await expect(apps.containerApps.get('rg', 'web')).resolves.toMatchObject({ name: 'web' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    const gets = sandbox.requestLog.filter(e => e.path.endsWith('/containerApps/web'))
    expect(gets.map(e => [e.status, e.fault])).toEqual([
      [429, 'status'],
      [200, undefined]
    ])
    expect(sandbox.faults.injected).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'status', status: 429 })])
    )
  })

  it('a connection reset is retried by the SDK', async () => {
    sandbox.faults.add({ path: /\/redis\/cache$/, kind: 'reset' })
    await expect(redis.redis.get('rg', 'cache')).resolves.toMatchObject({ name: 'cache' })
    const gets = sandbox.requestLog.filter(e => e.path.endsWith('/redis/cache'))
    expect(gets.map(e => e.fault)).toEqual(['reset', undefined])
  })

  it('faults are spent after `times` matching requests; a status fault without Retry-After surfaces as an error', async () => {
    sandbox.faults.add({
      path: '/redis/cache',
      kind: 'status',
      status: 400,
      code: 'Injected',
      message: 'boom',
      times: 2
    })
    await expect(redis.redis.get('rg', 'cache')).rejects.toMatchObject({
      statusCode: 400,
      code: 'Injected',
      message: 'boom'
    })
    await expect(redis.redis.get('rg', 'cache')).rejects.toMatchObject({ statusCode: 400 })
    await expect(redis.redis.get('rg', 'cache')).resolves.toMatchObject({ name: 'cache' })
  })

  it('delay faults and armRequestMs slow requests down; the log records start and end', async () => {
    sandbox.faults.add({ path: '/redis/cache', kind: 'delay', delayMs: 150 })
    sandbox.setLatency({ armRequestMs: 50 })
    await redis.redis.get('rg', 'cache')
    const entry = sandbox.requestLog.find(e => e.path.endsWith('/redis/cache'))!
    expect(entry.endedAt - entry.startedAt).toBeGreaterThanOrEqual(190)
    expect(entry).toMatchObject({
      service: 'arm',
      status: 200,
      operation: 'redis.get',
      apiVersion: '2024-11-01',
      authorization: 'bearer',
      fault: 'delay'
    })
    expect(entry.clientRequestId).toBeTruthy()
  })

  it('a burst (forMs) answers every matching request for that long, then is spent', async () => {
    const patient = new RedisManagementClient(
      workflowCredential(sandbox, sandbox.addWorkflowIdentity().clientId),
      sandbox.subscriptionId,
      {
        ...hlcOptions(sandbox),
        retryOptions: { maxRetries: 1000, retryDelayInMs: 20, maxRetryDelayInMs: 40 }
      }
    )
    sandbox.faults.add({ path: '/redis/cache', kind: 'status', status: 500, forMs: 1000 })
    await expect(patient.redis.get('rg', 'cache')).resolves.toMatchObject({ name: 'cache' })
    const statuses = sandbox.requestLog.filter(e => e.path.endsWith('/redis/cache')).map(e => e.status)
    expect(statuses.filter(s => s === 500).length).toBeGreaterThan(2)
    expect(statuses.at(-1)).toBe(200)
    // Spent: the next request gets no fault.
    await expect(redis.redis.get('rg', 'cache')).resolves.toMatchObject({ name: 'cache' })
  })

  it("an answer fault answers in Azure's place, with the status, body and content-type given", async () => {
    const page = '<!DOCTYPE html><html><body>Sign in to continue</body></html>'
    sandbox.faults.add({ path: '/containerApps/web', kind: 'answer', text: page, contentType: 'text/html' })
    const token = await armToken(workflowCredential(sandbox, sandbox.addWorkflowIdentity().clientId))
    const url = `${sandbox.armEndpoint}/subscriptions/${sandbox.subscriptionId}/resourceGroups/rg/providers/Microsoft.App/containerApps/web?api-version=2024-03-01`
    const first = await raw(sandbox, url, { headers: { authorization: `Bearer ${token}` } })
    expect([first.status, first.headers['content-type'], first.text]).toEqual([200, 'text/html', page])
    sandbox.faults.add({ path: '/containerApps/web', kind: 'answer', text: '{}' })
    const second = await raw(sandbox, url, { headers: { authorization: `Bearer ${token}` } })
    expect([second.status, second.headers['content-type'], second.json]).toEqual([
      200,
      'application/json; charset=utf-8',
      {}
    ])
    // Spent: Azure answers again.
    const third = await raw(sandbox, url, { headers: { authorization: `Bearer ${token}` } })
    expect(third.json).toMatchObject({
      name: 'web',
      properties: { template: { containers: [{ name: 'web' }] } }
    })
    expect(sandbox.requestLog.filter(e => e.path.endsWith('/containerApps/web')).map(e => e.fault)).toEqual([
      'answer',
      'answer',
      undefined
    ])
  })

  it('onRequest runs its action right after the matching answer, `times` times', async () => {
    const seen: string[] = []
    const hook = sandbox.onRequest({ method: 'GET', path: '/containerApps/web' }, () => {
      seen.push(sandbox.getContainerApp('rg', 'web').properties.template?.containers?.[0]?.image ?? '')
      sandbox.updateContainerApp('rg', 'web', {
        properties: { template: { containers: [{ name: 'web', image: 'example.azurecr.io/web:2' }] } }
      })
    })
    const before = await apps.containerApps.get('rg', 'web')
    const after = await apps.containerApps.get('rg', 'web')
    expect(before.template?.containers?.[0].image).toBe('mcr.microsoft.com/k8se/quickstart:latest')
    expect(after.template?.containers?.[0].image).toBe('example.azurecr.io/web:2')
    expect(seen).toEqual(['mcr.microsoft.com/k8se/quickstart:latest'])
    expect([hook.fired, hook.error]).toEqual([1, undefined])
  })
})

describe("updateContainerApp: another client's PATCH, done at once", () => {
  it("merges the template (a new revision) and the identity by ARM's rules, keeping unknown properties", async () => {
    const sandbox = await startSandbox({ dataPlane: false })
    try {
      const uami = sandbox.addUserAssignedIdentity('rg', 'other-pipeline')
      sandbox.addContainerApp('rg', 'web', {
        containers: [{ name: 'web', image: 'a:1', imageType: 'ContainerImage', futureField: { x: 1 } }],
        identity: { type: 'SystemAssigned' }
      })
      const revisions = sandbox.listRevisions('rg', 'web').length
      const container = {
        ...sandbox.getContainerApp('rg', 'web').properties.template?.containers?.[0],
        image: 'a:2'
      }
      sandbox.updateContainerApp('rg', 'web', {
        identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uami.id]: {} } },
        properties: { template: { containers: [container] } }
      })
      const app = sandbox.getContainerApp('rg', 'web')
      expect(app.properties.template?.containers).toEqual([
        { name: 'web', image: 'a:2', imageType: 'ContainerImage', futureField: { x: 1 } }
      ])
      expect(app.identity.type).toBe('SystemAssigned,UserAssigned')
      expect(Object.keys(app.identity.userAssignedIdentities ?? {}).map(k => k.toLowerCase())).toEqual([
        uami.id.toLowerCase()
      ])
      expect(sandbox.listRevisions('rg', 'web')).toHaveLength(revisions + 1)
    } finally {
      await sandbox.stop()
    }
  })
})

describe('a hanging endpoint and a silent Redis', () => {
  it('a held (delay) request ends when the sandbox stops', async () => {
    const sandbox = await startSandbox({ dataPlane: false })
    sandbox.faults.add({ path: /idtoken/, kind: 'delay', delayMs: 10 * 60_000 })
    const answer = raw(sandbox, sandbox.oidc.requestUrl, {
      headers: { authorization: `Bearer ${sandbox.oidc.requestToken}` }
    }).then(
      () => 'answered',
      () => 'connection closed'
    )
    while (!sandbox.requestLog.some(e => e.service === 'oidc')) await new Promise(r => setTimeout(r, 20))
    await sandbox.stop()
    await expect(answer).resolves.toBe('connection closed')
  })

  it('silenceDataPlane: the cache reports an endpoint that completes TLS and never answers', async () => {
    const sandbox = await startSandbox({ dataPlane: false })
    try {
      const { clientId } = sandbox.addWorkflowIdentity()
      sandbox.addRedisCache('rg', 'cache')
      const silent = await sandbox.silenceDataPlane()
      const redis = new RedisManagementClient(
        workflowCredential(sandbox, clientId),
        sandbox.subscriptionId,
        hlcOptions(sandbox)
      )
      const cache = await redis.redis.get('rg', 'cache')
      expect({ host: cache.hostName, port: cache.sslPort }).toEqual({ host: silent.host, port: silent.port })
      const socket = connect({
        host: silent.host,
        port: silent.port,
        servername: silent.host,
        ca: sandbox.caCert
      })
      await once(socket, 'secureConnect')
      const received: Buffer[] = []
      socket.on('data', (chunk: Buffer) => received.push(chunk))
      socket.write('*1\r\n$4\r\nPING\r\n')
      // A real Redis answers +PONG at once; this one reads it and stays silent.
      await new Promise(r => setTimeout(r, 500))
      expect(received).toEqual([])
      expect(silent.accepted()).toBe(1)
      socket.destroy()
    } finally {
      await sandbox.stop()
    }
  })
})
