// The sandbox against real Azure: each recorded exchange (__fixtures__/recordings) is asked of the sandbox, and the
// answer must have Azure's shape — status, LRO headers, field names, JSON types and nulls. Known divergences that
// another change fixes are listed in EXPECTED_DIVERGENCES, each with the issue item that removes it; an entry that
// no longer matches anything fails too, so it is removed when its fix lands.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { armToken, gitHubToken, raw, sleep, workflowCredential } from '../sandbox/helpers.ts'
import { recording, recordingNames } from './recordings.ts'
import { compareShape, describeDifference, pathMatches } from './shape.ts'
import type { Difference, ShapedAnswer } from './shape.ts'

interface Divergence {
  fixture: string
  /** A path pattern of compareShape's `where` (`*` one segment, `**` a subtree). */
  where: string
  kind?: Difference['kind']
  /** Only differences where Azure had this (e.g. 'null'). */
  recorded?: string
  fixedBy: string
}

/** Divergences another change removes; the lead deletes each entry once that change is merged. */
export const EXPECTED_DIVERGENCES: Divergence[] = []

interface Exchange {
  fixture: string
  /** Asks the sandbox the recorded question (with the sandbox's names) and returns its answer. */
  ask: () => Promise<ShapedAnswer>
  /** Compare with this instead of the recorded response (e.g. a GET answered like the recorded PUT's body). */
  expected?: (recorded: ShapedAnswer) => ShapedAnswer
  /** Paths whose content is the user's own data in the recording, not a behaviour of Azure. */
  ignore?: string[]
}

describe('the sandbox answers like real Azure (recorded exchanges)', () => {
  let sandbox: Sandbox
  let token = ''
  let clientId = ''
  const rg = 'rg-contract'

  const arm = async (
    method: string,
    path: string,
    apiVersion: string,
    body?: unknown
  ): Promise<ShapedAnswer> => {
    const url = `${sandbox.armEndpoint}${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`
    return fetchAnswer(url, method, body)
  }
  const fetchAnswer = async (url: string, method = 'GET', body?: unknown): Promise<ShapedAnswer> => {
    const res = await raw(sandbox, url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    return { status: res.status, headers: res.headers, body: res.text ? res.json : null }
  }
  const header = (a: ShapedAnswer, name: string): string => {
    const v = a.headers[name]
    return (Array.isArray(v) ? v[0] : v) ?? ''
  }
  const sub = (): string => `/subscriptions/${sandbox.subscriptionId}`
  const appPath = (name: string): string =>
    `${sub()}/resourceGroups/${rg}/providers/Microsoft.App/containerApps/${name}`
  const cachePath = (name: string): string =>
    `${sub()}/resourceGroups/${rg}/providers/Microsoft.Cache/redis/${name}`
  const clusterPath = (name: string): string =>
    `${sub()}/resourceGroups/${rg}/providers/Microsoft.Cache/redisEnterprise/${name}`

  /** An app set up like the recorded one: a user-assigned identity, its registry, external ingress, scale 1–10. */
  const addRecordedLikeApp = (name: string): void => {
    const uami = sandbox.addUserAssignedIdentity(rg, `mi-${name}`)
    sandbox.addContainerApp(rg, name, {
      containers: [{ name: 'app', image: 'example.azurecr.io/web:1' }],
      registries: [{ server: 'example.azurecr.io', identity: uami.id }],
      ingress: {
        external: true,
        targetPort: 8080,
        transport: 'Http',
        traffic: [{ latestRevision: true, weight: 100 }]
      },
      scale: { minReplicas: 1, maxReplicas: 10 },
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uami.id]: {} } },
      tags: { 'azd-env-name': 'contract' }
    })
  }
  /** The containers and volumes in a recording are what its deployer sent, not what Azure adds. */
  const userContent = [
    'body.properties.template.containers[0].*',
    'body.properties.template.volumes**',
    'body.properties.configuration.registries[0].*',
    'body.tags.*'
  ]

  const exchanges: Exchange[] = [
    {
      fixture: 'containerapp-get-before',
      ask: async () => {
        addRecordedLikeApp('app-get')
        return arm('GET', appPath('app-get'), '2025-01-01')
      },
      ignore: userContent
    },
    {
      fixture: 'containerapp-patch',
      ask: async () => {
        addRecordedLikeApp('app-patch')
        return arm('PATCH', appPath('app-patch'), '2025-01-01', {
          location: 'East US',
          properties: {
            template: {
              containers: [{ name: 'app', image: 'example.azurecr.io/web:2' }],
              revisionSuffix: 'v2'
            }
          }
        })
      }
    },
    {
      fixture: 'containerapp-operation-status',
      ask: async () => {
        addRecordedLikeApp('app-op')
        const patched = await arm('PATCH', appPath('app-op'), '2025-01-01', {
          location: 'East US',
          properties: { template: { containers: [{ name: 'app', image: 'example.azurecr.io/web:2' }] } }
        })
        return pollUntilDone(header(patched, 'azure-asyncoperation'))
      }
    },
    {
      fixture: 'containerapp-get',
      ask: async () => {
        addRecordedLikeApp('app-after')
        sandbox.setLatency({ revisionReadyMs: 60_000 })
        try {
          const patched = await arm('PATCH', appPath('app-after'), '2025-01-01', {
            location: 'East US',
            properties: {
              template: {
                containers: [{ name: 'app', image: 'example.azurecr.io/web:2' }],
                revisionSuffix: 'v2'
              }
            }
          })
          await pollUntilDone(header(patched, 'azure-asyncoperation'))
          return await arm('GET', appPath('app-after'), '2025-01-01')
        } finally {
          sandbox.setLatency({ revisionReadyMs: 0 })
        }
      },
      ignore: userContent
    },
    {
      fixture: 'containerapp-revision-get',
      ask: async () => {
        addRecordedLikeApp('app-rev')
        sandbox.failRevisions(rg, 'app-rev', { reason: 'Failed:redisContainerCrashing' })
        // No revisionSuffix, as in the recording: the revision gets a generated name.
        const patched = await arm('PATCH', appPath('app-rev'), '2023-05-01', {
          location: 'East US',
          properties: { template: { containers: [{ name: 'app', image: 'example.azurecr.io/web:2' }] } }
        })
        await pollUntilDone(header(patched, 'azure-asyncoperation'))
        const app = await arm('GET', appPath('app-rev'), '2023-05-01')
        const latest = (app.body as { properties: { latestRevisionName: string } }).properties
          .latestRevisionName
        return arm('GET', `${appPath('app-rev')}/revisions/${latest}`, '2023-05-01')
      },
      ignore: userContent
    },
    {
      fixture: 'arm-error-not-found',
      ask: () => arm('GET', appPath('no-such-app'), '2025-01-01')
    },
    {
      fixture: 'redis-cache-get',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-get', { aadEnabled: true })
        return arm('GET', cachePath('cache-get'), '2024-11-01')
      }
    },
    {
      fixture: 'redis-access-policies-list',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-policies', { aadEnabled: true })
        return arm('GET', `${cachePath('cache-policies')}/accessPolicies`, '2024-11-01')
      }
    },
    {
      fixture: 'redis-assignments-list',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-list', { aadEnabled: true })
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-list')
        await sandbox.addAssignment(rg, 'cache-list', 'assignment1', {
          objectId: principalId,
          accessPolicyName: 'Data Owner'
        })
        return arm('GET', `${cachePath('cache-list')}/accessPolicyAssignments`, '2024-11-01')
      }
    },
    {
      fixture: 'redis-assignment-put-create',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-put', { aadEnabled: true })
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-put')
        return arm('PUT', `${cachePath('cache-put')}/accessPolicyAssignments/${principalId}`, '2024-11-01', {
          properties: { objectId: principalId, objectIdAlias: 'contract', accessPolicyName: 'Data Owner' }
        })
      }
    },
    {
      fixture: 'redis-assignment-put-update',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-update', { aadEnabled: true })
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-update')
        await sandbox.addAssignment(rg, 'cache-update', principalId, {
          objectId: principalId,
          accessPolicyName: 'Data Owner',
          objectIdAlias: 'before'
        })
        return arm(
          'PUT',
          `${cachePath('cache-update')}/accessPolicyAssignments/${principalId}`,
          '2024-11-01',
          {
            properties: { objectId: principalId, objectIdAlias: 'after', accessPolicyName: 'Data Owner' }
          }
        )
      }
    },
    {
      fixture: 'redis-operation-status',
      ask: async () => {
        sandbox.addRedisCache(rg, 'cache-op', { aadEnabled: true })
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-op')
        sandbox.setLatency({ assignmentMs: 5_000 })
        try {
          const put = await arm(
            'PUT',
            `${cachePath('cache-op')}/accessPolicyAssignments/${principalId}`,
            '2024-11-01',
            {
              properties: { objectId: principalId, objectIdAlias: 'contract', accessPolicyName: 'Data Owner' }
            }
          )
          // Azure points both headers at the asyncOperations status URL; the sandbox's status URL is the same
          // operation's asyncOperations path (sandbox/SPEC.md, LRO URLs), whichever header it sent.
          const url =
            header(put, 'azure-asyncoperation') ||
            header(put, 'location').replace('/operationResults/', '/asyncOperations/')
          return await fetchAnswer(url)
        } finally {
          sandbox.setLatency({ assignmentMs: 0 })
        }
      }
    },
    {
      fixture: 'redisenterprise-cluster',
      // The recording is the create PUT's body; a GET of the cluster answers the same shape with 200.
      ask: async () => {
        sandbox.addManagedRedis(rg, 'amr-cluster')
        return arm('GET', clusterPath('amr-cluster'), '2025-07-01')
      },
      expected: recorded => ({ status: 200, headers: {}, body: recorded.body }),
      ignore: ['body.tags', 'body.tags.*']
    },
    {
      fixture: 'redisenterprise-database-get',
      ask: async () => {
        sandbox.addManagedRedis(rg, 'amr-db')
        return arm('GET', `${clusterPath('amr-db')}/databases/default`, '2025-07-01')
      }
    },
    {
      fixture: 'redisenterprise-assignment-get',
      ask: async () => {
        sandbox.addManagedRedis(rg, 'amr-get')
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-amr-get')
        await sandbox.addManagedRedisAssignment(rg, 'amr-get', 'assignment1', { objectId: principalId })
        return arm(
          'GET',
          `${clusterPath('amr-get')}/databases/default/accessPolicyAssignments/assignment1`,
          '2025-07-01'
        )
      },
      // accessString came with 2026-05-01-preview; the action uses 2025-07-01, which has no such field.
      ignore: ['body.properties.accessString']
    },
    {
      fixture: 'redisenterprise-assignment-put',
      ask: async () => {
        sandbox.addManagedRedis(rg, 'amr-put')
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-amr-put')
        return arm(
          'PUT',
          `${clusterPath('amr-put')}/databases/default/accessPolicyAssignments/assignment1`,
          '2025-07-01',
          {
            properties: { accessPolicyName: 'default', user: { objectId: principalId } }
          }
        )
      },
      ignore: ['body.properties.accessString']
    },
    {
      fixture: 'redisenterprise-operation-status',
      ask: async () => {
        sandbox.addManagedRedis(rg, 'amr-op')
        const { principalId } = sandbox.addUserAssignedIdentity(rg, 'mi-amr-op')
        sandbox.setLatency({ assignmentMs: 5_000 })
        try {
          const put = await arm(
            'PUT',
            `${clusterPath('amr-op')}/databases/default/accessPolicyAssignments/assignment1`,
            '2025-07-01',
            {
              properties: { accessPolicyName: 'default', user: { objectId: principalId } }
            }
          )
          return await fetchAnswer(header(put, 'azure-asyncoperation'))
        } finally {
          sandbox.setLatency({ assignmentMs: 0 })
        }
      }
    },
    {
      fixture: 'entra-federation-error',
      ask: async () => {
        sandbox.setGitHubClaims({ sub: 'repo:octo-org/octo-repo:ref:refs/heads/not-federated' })
        try {
          const assertion = await gitHubToken(sandbox)
          const res = await raw(sandbox, `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              client_id: clientId,
              grant_type: 'client_credentials',
              scope: 'https://management.azure.com/.default',
              client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
              client_assertion: assertion
            }).toString()
          })
          return { status: res.status, headers: res.headers, body: res.json ?? null }
        } finally {
          sandbox.setGitHubClaims({ sub: 'repo:octo-org/octo-repo:ref:refs/heads/main' })
        }
      }
    }
  ]

  /** Polls an operation URL until it stops answering InProgress/202, as an SDK poller would. */
  async function pollUntilDone(url: string): Promise<ShapedAnswer> {
    for (let i = 0; i < 200; i++) {
      const answer = await fetchAnswer(url)
      const status = (answer.body as { status?: string } | null)?.status
      if (answer.status !== 202 && !/InProgress|Pending|Running/i.test(status ?? '')) return answer
      await sleep(25)
    }
    throw new Error(`operation ${url} did not finish`)
  }

  const found = new Map<string, Difference[]>()

  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    ;({ clientId } = sandbox.addWorkflowIdentity())
    token = await armToken(workflowCredential(sandbox, clientId))
    sandbox.setLatency({ appUpdateMs: 0, identityUpdateMs: 0, revisionReadyMs: 0, assignmentMs: 0 })
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('asks the sandbox every recorded exchange (each fixture has a scenario)', () => {
    expect(exchanges.map(e => e.fixture).sort()).toEqual(recordingNames())
  })

  for (const exchange of exchanges) {
    it(`${exchange.fixture}: same status, LRO headers, fields, types and nulls as Azure`, async () => {
      const recorded = recording(exchange.fixture).response
      const expected = exchange.expected ? exchange.expected(recorded) : recorded
      const differences = compareShape(expected, await exchange.ask(), exchange.ignore)
      found.set(exchange.fixture, differences)
      const unexpected = differences.filter(
        d => !EXPECTED_DIVERGENCES.some(e => matches(e, exchange.fixture, d))
      )
      expect(unexpected.map(describeDifference)).toEqual([])
    })
  }

  it('the built-in access policies have Azure’s names, types and permission strings (the data plane uses them)', async () => {
    sandbox.addRedisCache(rg, 'cache-builtins', { aadEnabled: true })
    const answer = await arm('GET', `${cachePath('cache-builtins')}/accessPolicies`, '2024-11-01')
    type Policies = { value: { name: string; properties: { permissions: string; type: string } }[] }
    const summary = (b: Policies) => b.value.map(p => [p.name, p.properties.type, p.properties.permissions])
    const recordedPolicies = recording('redis-access-policies-list').response.body as Policies
    expect(summary(answer.body as Policies)).toEqual(summary(recordedPolicies))
  })

  it('every expected divergence still happens (remove the entry once its fix is merged)', () => {
    const stale = EXPECTED_DIVERGENCES.filter(
      e => !(found.get(e.fixture) ?? []).some(d => matches(e, e.fixture, d))
    ).map(e => `${e.fixture} ${e.where}: ${e.fixedBy}`)
    expect(stale).toEqual([])
  })
})

function matches(e: Divergence, fixture: string, d: Difference): boolean {
  return (
    e.fixture === fixture &&
    pathMatches(e.where, d.where) &&
    (!e.kind || e.kind === d.kind) &&
    (!e.recorded || e.recorded === d.recorded)
  )
}

describe('the comparer names what a wrong sandbox answer gets wrong', () => {
  const differencesFor = (fixture: string, wrong: (answer: ShapedAnswer) => ShapedAnswer): string[] => {
    const recorded = recording(fixture).response
    return compareShape(recorded, wrong(structuredClone(recorded))).map(describeDifference)
  }
  type App = {
    properties: {
      configuration: { secrets: unknown }
      latestReadyRevisionName?: string
      latestReadyRevision?: string
    }
  }

  it('finds nothing in Azure’s own answer', () => {
    for (const name of recordingNames()) expect(differencesFor(name, a => a)).toEqual([])
  })

  it('a PATCH answered 200 without Azure-AsyncOperation', () => {
    expect(
      differencesFor('containerapp-patch', a => ({
        ...a,
        status: 200,
        headers: { location: a.headers.location }
      }))
    ).toEqual([
      'status: status (Azure 202, sandbox 200)',
      'header azure-asyncoperation: header-missing (Azure present, sandbox absent)',
      'header retry-after: header-missing (Azure present, sandbox absent)'
    ])
  })

  it('secrets [] where Azure says null, and a renamed field', () => {
    const found = differencesFor('containerapp-get', a => {
      const app = a.body as App
      app.properties.configuration.secrets = []
      app.properties.latestReadyRevision = app.properties.latestReadyRevisionName
      delete app.properties.latestReadyRevisionName
      return a
    })
    expect(found).toEqual(
      expect.arrayContaining([
        'body.properties.configuration.secrets: type (Azure null, sandbox array)',
        'body.properties.latestReadyRevisionName: missing (Azure string, sandbox absent)',
        'body.properties.latestReadyRevision: extra (Azure absent, sandbox string)'
      ])
    )
  })

  it('an identity key spelled resourceGroups where Azure writes resourcegroups', () => {
    const found = differencesFor('containerapp-get', a => {
      const identity = (a.body as { identity: { userAssignedIdentities: Record<string, object> } }).identity
      identity.userAssignedIdentities = Object.fromEntries(
        Object.entries(identity.userAssignedIdentities).map(([k, v]) => [
          k.replace('/resourcegroups/', '/resourceGroups/'),
          v
        ])
      )
      return a
    })
    expect(found).toEqual([
      'body.identity.userAssignedIdentities{key}: key (Azure /subscriptions/*/resourcegroups/*/providers/Microsoft.ManagedIdentity/userAssignedIdentities/*, sandbox /subscriptions/*/resourceGroups/*/providers/Microsoft.ManagedIdentity/userAssignedIdentities/*)'
    ])
  })

  it('a wrong answer is not excused by the allow-list: it fails the contract', () => {
    const recorded = recording('redisenterprise-assignment-put').response
    const wrong = {
      ...structuredClone(recorded),
      headers: { 'azure-asyncoperation': recorded.headers['azure-asyncoperation'] }
    }
    const unexpected = compareShape(recorded, wrong).filter(
      d => !EXPECTED_DIVERGENCES.some(e => matches(e, 'redisenterprise-assignment-put', d))
    )
    expect(unexpected.map(describeDifference)).toEqual([
      'header location: header-missing (Azure present, sandbox absent)'
    ])
  })
})

describe('the recordings', () => {
  it('each cites its source: repository, path, commit, date and interaction', () => {
    for (const name of recordingNames()) {
      const { source, request, response } = recording(name)
      expect({
        name,
        ok: [source.repository, source.path, source.commit, source.recorded, source.interaction].every(
          v => typeof v === 'string' && v.length > 0
        )
      }).toEqual({ name, ok: true })
      expect(typeof request.method).toBe('string')
      expect(typeof response.status).toBe('number')
    }
  })

  it('keep no tokens or signed operation URLs', () => {
    for (const name of recordingNames()) {
      const text = JSON.stringify(recording(name))
      expect({ name, signed: /[?&](c|s|h)=[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{20,}\./.test(text) }).toEqual({
        name,
        signed: false
      })
    }
  })
})
