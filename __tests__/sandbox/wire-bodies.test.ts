import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { API_VERSIONS } from '../../src/azure/api-versions.js'
import { armToken, raw, workflowCredential } from './helpers.ts'

// Request bodies are untrusted JSON: a member the sandbox reads with the wrong JSON type is refused as ARM refuses
// content it cannot deserialize, and nothing changes; members it does not read are kept as written.
describe('sandbox ARM request bodies', () => {
  let sandbox: Sandbox
  let token = ''
  const rg = 'rg-bodies'

  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    const { clientId } = sandbox.addWorkflowIdentity()
    token = await armToken(workflowCredential(sandbox, clientId))
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  const send = (method: string, id: string, apiVersion: string, body: string) =>
    raw(sandbox, `${sandbox.armEndpoint}${id}?api-version=${apiVersion}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body
    })

  it.each([
    ['a body that is not an object', '[1]', 'The request body is not a JSON object.'],
    [
      'env that is not an array',
      JSON.stringify({ properties: { template: { containers: [{ name: 'web', env: 'X=1' }] } } }),
      "Unexpected value at 'properties.template.containers[0].env'."
    ],
    [
      'a template that is a string',
      JSON.stringify({ properties: { template: 'x' } }),
      "'properties.template'"
    ],
    ['a tag value that is not a string', JSON.stringify({ tags: { team: 1 } }), "'tags.team'"]
  ])(
    'container app PATCH: %s is 400 InvalidRequestContent and changes nothing',
    async (_what, body, text) => {
      const id = sandbox.addContainerApp(rg, 'app-patch')
      const before = sandbox.getContainerApp(rg, 'app-patch')
      const res = await send('PATCH', id, API_VERSIONS.containerApps, body)
      expect(res.status).toBe(400)
      expect(res.json.error.code).toBe('InvalidRequestContent')
      expect(res.json.error.message).toContain(text)
      expect(sandbox.getContainerApp(rg, 'app-patch')).toEqual(before)
    }
  )

  it('container app PUT: a scale that is not an object is 400 InvalidRequestContent and makes no app', async () => {
    sandbox.addContainerApp(rg, 'seeded')
    const id = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.App/containerApps/app-put`
    const res = await send(
      'PUT',
      id,
      API_VERSIONS.containerApps,
      JSON.stringify({ location: 'East US', properties: { template: { scale: 'auto' } } })
    )
    expect(res.status).toBe(400)
    expect(res.json.error.message).toContain("'properties.template.scale'")
    expect(() => sandbox.getContainerApp(rg, 'app-put')).toThrow(/no container app/)
  })

  it('members the sandbox does not read are kept as written, through a PATCH', async () => {
    const id = sandbox.addContainerApp(rg, 'app-keeps')
    const probes = [{ type: 'Liveness', httpGet: { path: '/health', port: 8080 } }]
    const res = await send(
      'PATCH',
      id,
      API_VERSIONS.containerApps,
      JSON.stringify({ properties: { template: { containers: [{ name: 'web', image: 'x:1', probes }] } } })
    )
    expect(res.status).toBe(202)
    expect(sandbox.getContainerApp(rg, 'app-keeps').properties.template.containers).toEqual([
      { name: 'web', image: 'x:1', probes }
    ])
  })

  it('job PATCH: secrets that are not an array is 400 InvalidRequestContent', async () => {
    const id = sandbox.addContainerAppJob(rg, 'job-patch')
    const before = sandbox.getContainerAppJob(rg, 'job-patch')
    const res = await send(
      'PATCH',
      id,
      API_VERSIONS.containerApps,
      JSON.stringify({ properties: { configuration: { secrets: { name: 'a', value: 'b' } } } })
    )
    expect(res.status).toBe(400)
    expect(res.json.error.message).toContain("'properties.configuration.secrets'")
    expect(sandbox.getContainerAppJob(rg, 'job-patch')).toEqual(before)
  })

  it('cache PATCH: a redisConfiguration that is not an object is 400 and changes neither tags nor properties', async () => {
    const id = sandbox.addRedisCache(rg, 'cache-patch', { tags: { keep: 'me' } })
    const before = sandbox.getCache(rg, 'cache-patch')
    const res = await send(
      'PATCH',
      id,
      API_VERSIONS.redis,
      JSON.stringify({ tags: { other: 'x' }, properties: { redisConfiguration: 'aad-enabled=true' } })
    )
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('InvalidRequestContent')
    expect(res.json.error.message).toContain("'properties.redisConfiguration'")
    expect(sandbox.getCache(rg, 'cache-patch')).toEqual(before)
  })

  it('assignment PUT: properties that are not an object keep their answer, 400 InvalidRequestBody', async () => {
    const id = sandbox.addRedisCache(rg, 'cache-assign')
    const res = await send(
      'PUT',
      `${id}/accessPolicyAssignments/one`,
      API_VERSIONS.redis,
      JSON.stringify({ properties: 'objectId' })
    )
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('InvalidRequestBody')
  })
})
