import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { ARM_SCOPE, gitHubToken, raw, workflowCredential } from './helpers.ts'

const decode = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

describe('sandbox Entra ID and GitHub OIDC', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ dataPlane: false })
  })
  afterAll(async () => {
    await sandbox?.stop()
  })

  it('GitHub OIDC endpoint issues tokens with iss, sub, aud and a 300 s lifetime, only with the request token', async () => {
    const claims = decode(await gitHubToken(sandbox, 'api://AzureADTokenExchange'))
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      aud: 'api://AzureADTokenExchange'
    })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    const denied = await raw(sandbox, `${sandbox.oidc.requestUrl}&audience=x`, {
      headers: { authorization: 'Bearer nope' }
    })
    expect(denied.status).toBe(401)
  })

  it('ClientAssertionCredential gets an RS256 access token with oid, tid, aud, appid (happy path)', async () => {
    const app = sandbox.addWorkflowIdentity()
    const token = await workflowCredential(sandbox, app.clientId).getToken(ARM_SCOPE)
    expect(token?.token).toBeTruthy()
    const header = JSON.parse(Buffer.from(token!.token.split('.')[0], 'base64url').toString())
    expect(header.alg).toBe('RS256')
    const claims = decode(token!.token)
    expect(claims).toMatchObject({
      oid: app.objectId,
      tid: sandbox.tenantId,
      appid: app.clientId,
      aud: 'https://management.azure.com/'
    })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600)
    expect(sandbox.tokensIssued.at(-1)).toMatchObject({
      objectId: app.objectId,
      grant: 'client_credentials',
      scope: ARM_SCOPE
    })
    const discovery = sandbox.requestLog.find(e => e.path.endsWith('/v2.0/.well-known/openid-configuration'))
    expect(discovery?.status).toBe(200)
  })

  it('never logs the client assertion or any token', async () => {
    const log = JSON.stringify(sandbox.requestLog)
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/)
    const tokenRequest = sandbox.requestLog.find(e => e.operation === 'entra.token')
    expect(tokenRequest?.body).toMatchObject({ grant_type: 'client_credentials' })
    expect(tokenRequest?.body).not.toHaveProperty('client_assertion')
  })

  const failure = async (clientId: string, audience?: string): Promise<string> => {
    try {
      await workflowCredential(sandbox, clientId, audience).getToken(ARM_SCOPE)
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('expected the token request to fail')
  }

  it('AADSTS700213: no federated credential matches the subject', async () => {
    const app = sandbox.addWorkflowIdentity({
      federatedCredentials: [
        {
          issuer: sandbox.oidc.issuer,
          subject: 'repo:octo-org/octo-repo:environment:prod',
          audiences: ['api://AzureADTokenExchange']
        }
      ]
    })
    const message = await failure(app.clientId)
    expect(message).toContain('AADSTS700213')
    // Entra answers it with HTTP 401 invalid_client, not 400
    const token = sandbox.requestLog.filter(e => e.operation === 'entra.token').at(-1)
    expect(token?.status).toBe(401)
    expect(message).toContain(
      "No matching federated identity record found for presented assertion subject 'repo:octo-org/octo-repo:ref:refs/heads/main'"
    )
  })

  it('AADSTS7002138: the subject matches only case-insensitively', async () => {
    const app = sandbox.addWorkflowIdentity({
      federatedCredentials: [
        {
          issuer: sandbox.oidc.issuer,
          subject: 'repo:Octo-Org/Octo-Repo:ref:refs/heads/main',
          audiences: ['api://AzureADTokenExchange']
        }
      ]
    })
    expect(await failure(app.clientId)).toContain('AADSTS7002138')
  })

  it('AADSTS700211: no federated credential for the issuer', async () => {
    const app = sandbox.addWorkflowIdentity({
      federatedCredentials: [
        {
          issuer: 'https://gitlab.example.com',
          subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
          audiences: ['api://AzureADTokenExchange']
        }
      ]
    })
    const message = await failure(app.clientId)
    expect(message).toContain('AADSTS700211')
    expect(message).toContain("presented assertion issuer 'https://token.actions.githubusercontent.com'")
  })

  it('AADSTS700212: the audience does not match', async () => {
    const app = sandbox.addWorkflowIdentity()
    const message = await failure(app.clientId, 'api://SomethingElse')
    expect(message).toContain('AADSTS700212')
    expect(message).toContain("presented assertion audience 'api://SomethingElse'")
  })

  it('AADSTS700024: the assertion is outside its valid time range', async () => {
    const app = sandbox.addWorkflowIdentity()
    sandbox.setGitHubClaims({ lifetimeSeconds: -60 })
    try {
      expect(await failure(app.clientId)).toContain(
        'AADSTS700024: Client assertion is not within its valid time range.'
      )
    } finally {
      sandbox.setGitHubClaims({ lifetimeSeconds: 300 })
    }
  })

  it('AADSTS700016: the application is not in the directory', async () => {
    const message = await failure('00000000-1111-2222-3333-444444444444')
    expect(message).toContain(
      "AADSTS700016: Application with identifier '00000000-1111-2222-3333-444444444444' was not found in the directory"
    )
  })

  it('answers errors in the Entra body shape with error_codes, trace and correlation ids', async () => {
    const res = await raw(sandbox, `${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': 'corr-1' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'nobody',
        scope: ARM_SCOPE
      }).toString()
    })
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({
      error: 'unauthorized_client',
      error_codes: [700016],
      correlation_id: 'corr-1'
    })
    expect(res.json.trace_id).toBeTruthy()
    expect(res.json.timestamp).toBeTruthy()
  })
})
