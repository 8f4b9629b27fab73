import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../src/inputs/input-error.js'
import { readInputs } from '../../src/inputs/read-inputs.js'

const GOOD: Record<string, string> = {
  'subscription-id': '11111111-2222-3333-4444-555555555555',
  'tenant-id': '66666666-7777-8888-9999-000000000000',
  'client-id': 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  'resource-group': 'rg-apps',
  'container-app': 'orders-api',
  'redis-name': 'orders-cache',
  auth: 'auto',
  environment: 'azurecloud',
  mode: 'apply',
  wait: 'true',
  'timeout-minutes': '20',
  'probe-redis': 'false'
}

const read = (overrides: Record<string, string>) =>
  readInputs(name => ({ ...GOOD, ...overrides })[name] ?? '')

function problemsOf(overrides: Record<string, string>): string[] {
  try {
    read(overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  return []
}

describe('readInputs', () => {
  it('reads good inputs with the contract defaults', () => {
    const inputs = read({})
    expect(inputs).toMatchObject({
      auth: { method: 'oidc', tenantId: GOOD['tenant-id'], clientId: GOOD['client-id'] },
      environment: 'azurecloud',
      redisResourceGroup: 'rg-apps',
      accessPolicy: 'Data Contributor',
      identity: { kind: 'system' },
      containers: undefined,
      mode: 'apply',
      wait: true,
      timeoutMinutes: 20,
      probeRedis: false,
      variables: {
        host: 'REDIS_HOST',
        port: 'REDIS_PORT',
        objectId: 'REDIS_OBJECT_ID',
        clientId: 'AZURE_CLIENT_ID'
      }
    })
  })

  it('an empty timeout-minutes is the default budget (which may grow); a set one is kept as explicit', () => {
    expect(read({ 'timeout-minutes': '' })).toMatchObject({ timeoutMinutes: 20, timeoutExplicit: false })
    expect(read({ 'timeout-minutes': '20' })).toMatchObject({ timeoutMinutes: 20, timeoutExplicit: true })
    expect(read({ 'timeout-minutes': '45.5' })).toMatchObject({ timeoutMinutes: 45.5, timeoutExplicit: true })
  })

  it('uses the Azure CLI session when no client id is given', () => {
    expect(read({ 'client-id': '', 'tenant-id': '' }).auth).toEqual({
      method: 'azure-cli',
      tenantId: undefined
    })
  })

  it('OIDC carries its tenant, client and audience; the Azure CLI only a tenant, though client-id is still checked', () => {
    expect(read({ audience: 'api://custom' }).auth).toEqual({
      method: 'oidc',
      tenantId: GOOD['tenant-id'],
      clientId: GOOD['client-id'],
      audience: 'api://custom'
    })
    expect(read({ auth: 'azure-cli', audience: 'api://custom' }).auth).toEqual({
      method: 'azure-cli',
      tenantId: GOOD['tenant-id']
    })
    expect(problemsOf({ auth: 'azure-cli', 'client-id': 'not-a-guid' }).join('\n')).toMatch(/"client-id"/)
  })

  it('parses a user-assigned identity resource id and a container list', () => {
    const id =
      '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-redis'
    const inputs = read({ identity: id, containers: 'api, worker\nworker\n' })
    expect(inputs.identity).toEqual({
      kind: 'user',
      resourceId: id,
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-id',
      name: 'orders-redis'
    })
    expect(inputs.containers).toEqual(['api', 'worker'])
  })

  // Each bad input names the input, what is wrong and how to fix it.
  const BAD: [string, Record<string, string>, RegExp][] = [
    ['missing subscription', { 'subscription-id': '' }, /"subscription-id" is required/],
    ['subscription not a GUID', { 'subscription-id': 'my-sub' }, /"subscription-id" is "my-sub".*GUID/],
    ['tenant not a GUID', { 'tenant-id': 'contoso.onmicrosoft.com' }, /"tenant-id".*GUID/],
    ['client id not a GUID', { 'client-id': 'orders-deployer' }, /"client-id".*GUID/],
    ['client id without tenant', { 'tenant-id': '' }, /"tenant-id" is required with "client-id"/],
    ['oidc without client id', { auth: 'oidc', 'client-id': '' }, /"client-id" is required for OIDC/],
    ['unknown auth', { auth: 'password' }, /"auth".*auto, oidc, azure-cli/],
    [
      'unknown environment',
      { environment: 'azuregermancloud' },
      /"environment".*azurecloud, azureusgovernment, azurechinacloud/
    ],
    ['resource group ending in a period', { 'resource-group': 'rg.' }, /"resource-group" is "rg\."/],
    ['app name with capitals', { 'container-app': 'Orders' }, /"container-app" is "Orders".*lower-case/],
    ['app name with double hyphen', { 'container-app': 'orders--api' }, /"container-app".*"--"/],
    ['app name too long', { 'container-app': 'a'.repeat(33) }, /"container-app"/],
    ['cache name with underscore', { 'redis-name': 'orders_cache' }, /"redis-name" is "orders_cache"/],
    ['policy with punctuation', { 'access-policy': 'Data Owner;' }, /"access-policy"/],
    [
      'identity not a resource id',
      { identity: 'orders-redis' },
      /"identity" is "orders-redis".*userAssignedIdentities/
    ],
    [
      'identity of another provider',
      {
        identity:
          '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x'
      },
      /"identity"/
    ],
    ['container with capitals', { containers: 'API' }, /"containers" is "API"/],
    ['variable name starting with a digit', { 'host-variable': '1HOST' }, /"host-variable" is "1HOST"/],
    ['two variables with one name', { 'port-variable': 'REDIS_HOST' }, /four different variables/],
    [
      'assignment name with a space',
      { 'assignment-name': 'orders api' },
      /"assignment-name" is "orders api"/
    ],
    ['assignment name too short', { 'assignment-name': 'ab' }, /"assignment-name"/],
    ['unknown mode', { mode: 'destroy' }, /"mode".*apply, plan, verify/],
    ['wait not boolean', { wait: 'yes' }, /"wait" is "yes"; use true or false/],
    ['timeout not a number', { 'timeout-minutes': '20m' }, /"timeout-minutes" is "20m"/],
    ['timeout too long', { 'timeout-minutes': '1000' }, /"timeout-minutes".*360/],
    ['health url not absolute', { 'health-url': '/healthz' }, /"health-url".*absolute URL/],
    [
      'health url with credentials',
      { 'health-url': 'https://user:pw@app.example.com/' },
      /"health-url" must not carry credentials/
    ],
    [
      'endpoint over http',
      { 'resource-manager-endpoint': 'http://localhost:8443' },
      /"resource-manager-endpoint" must use https/
    ],
    ['newline injection in a name', { 'container-app': 'orders\n::set-output name=x::y' }, /"container-app"/]
  ]
  it.each(BAD)('refuses %s, naming the input', (_name, overrides, expected) => {
    const problems = problemsOf(overrides)
    expect(problems.join('\n')).toMatch(expected)
  })

  it('gathers every problem at once', () => {
    expect(problemsOf({ 'subscription-id': 'x', 'container-app': 'X', mode: 'y' })).toHaveLength(3)
  })

  it('never throws anything but an InputError, whatever the inputs (property)', () => {
    const names = Object.keys(GOOD).concat([
      'identity',
      'containers',
      'assignment-name',
      'health-url',
      'host-variable',
      'access-policy',
      'authority-host'
    ])
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(...names),
          fc.oneof(
            fc.string(),
            fc.string({ unit: 'binary' }),
            fc.constantFrom('', ' ', '\n', '../..', '<script>', '%0A', '::error::x')
          )
        ),
        overrides => {
          try {
            read(overrides)
          } catch (error) {
            if (!(error instanceof InputError)) throw error
            for (const p of error.problems) expect(p).toMatch(/^(Input|Inputs) "/)
          }
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('readInputs: apps and Container Apps jobs', () => {
  const SUB = GOOD['subscription-id']
  const id = (type: string, rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.App/${type}/${name}`

  it('reads jobs from container-app-job after the apps, in the resource-group input', () => {
    const inputs = read({ 'container-app': 'orders-api', 'container-app-job': 'nightly-sync\nweekly-report' })
    expect(inputs.targets).toEqual([
      { kind: 'app', name: 'orders-api', resourceGroup: 'rg-apps' },
      { kind: 'job', name: 'nightly-sync', resourceGroup: 'rg-apps' },
      { kind: 'job', name: 'weekly-report', resourceGroup: 'rg-apps' }
    ])
  })

  it('needs no container-app when container-app-job is given', () => {
    const inputs = read({ 'container-app': '', 'container-app-job': 'nightly-sync' })
    expect(inputs.targets).toEqual([{ kind: 'job', name: 'nightly-sync', resourceGroup: 'rg-apps' }])
    expect(problemsOf({ 'container-app': '' }).join('\n')).toMatch(
      /"container-app" is required.*unless "container-app-job"/
    )
  })

  it('takes the kind and the resource group from a resource ID, in either input', () => {
    const inputs = read({
      'container-app': `${id('jobs', 'rg-jobs', 'nightly-sync')}\n${id('containerApps', 'rg-web', 'web')}`
    })
    expect(inputs.targets).toEqual([
      { kind: 'job', name: 'nightly-sync', resourceGroup: 'rg-jobs' },
      { kind: 'app', name: 'web', resourceGroup: 'rg-web' }
    ])
  })

  it.each([
    ['a bad job name', { 'container-app-job': 'Nightly' }, /"container-app-job" is "Nightly".*job name/],
    [
      'an ID of another resource type',
      {
        'container-app': `/subscriptions/${GOOD['subscription-id']}/resourceGroups/rg/providers/Microsoft.Web/sites/x`
      },
      /not the resource ID of a container app or a job/
    ],
    [
      'an ID in another subscription',
      {
        'container-app':
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/jobs/x1'
      },
      /subscription "00000000-0000-0000-0000-000000000000"/
    ],
    [
      'an app and a job of the same name',
      { 'container-app-job': 'orders-api' },
      /"orders-api" more than once/
    ],
    [
      'health-url with jobs only',
      { 'container-app': '', 'container-app-job': 'nightly-sync', 'health-url': 'https://x.example/healthz' },
      /"health-url" does not apply to Container Apps jobs/
    ]
  ])('refuses %s', (_name, overrides, expected) => {
    expect(problemsOf(overrides).join('\n')).toMatch(expected)
  })

  it('keeps health-url for a run with an app and a job (the job skips the check)', () => {
    expect(
      problemsOf({ 'container-app-job': 'nightly-sync', 'health-url': 'https://x.example/healthz' })
    ).toEqual([])
  })
})
