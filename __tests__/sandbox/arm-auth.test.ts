import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import { ManagedServiceIdentityClient } from '@azure/arm-msi'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { armToken, fixedToken, hlcOptions, modularOptions, raw, workflowCredential } from './helpers.ts'

describe('sandbox ARM front door: api-version, authentication, RBAC, not found', () => {
  let sandbox: Sandbox
  let appId: string
  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
    appId = sandbox.addContainerApp('rg-app', 'web')
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('400 MissingApiVersionParameter without api-version', async () => {
    const { clientId } = sandbox.addWorkflowIdentity()
    const token = await armToken(workflowCredential(sandbox, clientId))
    const res = await raw(sandbox, `${sandbox.armEndpoint}${appId}`, {
      headers: { authorization: `Bearer ${token}` }
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('MissingApiVersionParameter')
    expect(res.json.error.message).toBe(
      'The api-version query parameter (?api-version=) is required for all requests.'
    )
    expect(res.headers['x-ms-request-id']).toBeTruthy()
  })

  it('echoes x-ms-correlation-request-id', async () => {
    const res = await raw(sandbox, `${sandbox.armEndpoint}${appId}?api-version=2025-07-01`, {
      headers: { 'x-ms-correlation-request-id': 'my-correlation' }
    })
    expect(res.headers['x-ms-correlation-request-id']).toBe('my-correlation')
    expect(sandbox.requestLog.at(-1)).toMatchObject({
      correlationId: 'my-correlation',
      authorization: 'none',
      status: 401
    })
  })

  it('401 AuthenticationFailed without a bearer token', async () => {
    const res = await raw(sandbox, `${sandbox.armEndpoint}${appId}?api-version=2025-07-01`)
    expect(res.status).toBe(401)
    expect(res.json.error).toEqual({
      code: 'AuthenticationFailed',
      message: "Authentication failed. The 'Authorization' header is missing."
    })
    expect(String(res.headers['www-authenticate'])).toContain('error="invalid_token"')
  })

  it('401 InvalidAuthenticationToken through the SDK for a forged token', async () => {
    const client = new ContainerAppsAPIClient(
      fixedToken('not-a-jwt'),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(client.containerApps.get('rg-app', 'web')).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationToken'
    })
  })

  it('401 InvalidAuthenticationTokenAudience for a token of another resource', async () => {
    const { clientId } = sandbox.addWorkflowIdentity()
    const redisToken = (await workflowCredential(sandbox, clientId).getToken(
      'https://redis.azure.com/.default'
    ))!.token
    const client = new ContainerAppsAPIClient(
      fixedToken(redisToken),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(client.containerApps.get('rg-app', 'web')).rejects.toMatchObject({
      statusCode: 401,
      code: 'InvalidAuthenticationTokenAudience'
    })
  })

  it('403 AuthorizationFailed with the ARM message when the role does not allow the action', async () => {
    const reader = sandbox.addWorkflowIdentity({
      roles: [{ role: 'Reader', scope: `/subscriptions/${sandbox.subscriptionId}` }]
    })
    const client = new ContainerAppsAPIClient(
      workflowCredential(sandbox, reader.clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(client.containerApps.get('rg-app', 'web')).resolves.toMatchObject({ name: 'web' })
    const err = await client.containerApps.listSecrets('rg-app', 'web').catch((e: unknown) => e)
    expect(err).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' })
    expect((err as Error).message).toBe(
      `The client '${reader.objectId}' with object id '${reader.objectId}' does not have authorization to perform action 'Microsoft.App/containerApps/listSecrets/action' over scope '${appId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`
    )
  })

  it('RBAC scopes: a role on one resource group does not reach another', async () => {
    sandbox.addContainerApp('rg-other', 'api')
    const scoped = sandbox.addWorkflowIdentity({
      roles: [
        {
          role: 'Container Apps Contributor',
          scope: `/subscriptions/${sandbox.subscriptionId}/resourceGroups/rg-app`
        }
      ]
    })
    const client = new ContainerAppsAPIClient(
      workflowCredential(sandbox, scoped.clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(client.containerApps.get('rg-app', 'web')).resolves.toMatchObject({ name: 'web' })
    await expect(client.containerApps.get('rg-other', 'api')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed'
    })
  })

  it('404 ResourceGroupNotFound and ResourceNotFound with ARM messages', async () => {
    const { clientId } = sandbox.addWorkflowIdentity()
    const client = new ContainerAppsAPIClient(
      workflowCredential(sandbox, clientId),
      sandbox.subscriptionId,
      modularOptions(sandbox)
    )
    await expect(client.containerApps.get('rg-missing', 'web')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceGroupNotFound',
      message: "Resource group 'rg-missing' could not be found."
    })
    await expect(client.containerApps.get('rg-app', 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
      message:
        "The Resource 'Microsoft.App/containerApps/nope' under resource group 'rg-app' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    })
  })

  it('user-assigned identity GET returns principalId, clientId and tenantId', async () => {
    const uami = sandbox.addUserAssignedIdentity('rg-id', 'app-identity')
    const { clientId } = sandbox.addWorkflowIdentity()
    const msi = new ManagedServiceIdentityClient(
      workflowCredential(sandbox, clientId),
      sandbox.subscriptionId,
      hlcOptions(sandbox)
    )
    const got = await msi.userAssignedIdentities.get('rg-id', 'app-identity')
    expect(got).toMatchObject({
      id: uami.id,
      principalId: uami.principalId,
      clientId: uami.clientId,
      tenantId: sandbox.tenantId
    })
  })
})
