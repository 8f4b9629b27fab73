// Sovereign clouds: the sandbox plays each cloud's Resource Manager (its token audience) and Entra, and the
// action must ask for the right OIDC audience and ARM scope and link to the right portal.
import { afterEach, describe, expect, it } from '@jest/globals'
import { OIDC_AUDIENCE, startWorld, type World, stopWorlds } from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

const CLOUDS = [
  ['azurecloud', 'https://management.azure.com/.default', 'https://portal.azure.com/'],
  ['azureusgovernment', 'https://management.usgovcloudapi.net/.default', 'https://portal.azure.us/'],
  ['azurechinacloud', 'https://management.chinacloudapi.cn/.default', 'https://portal.azure.cn/']
] as const

describe.each(CLOUDS)('%s', (cloud, armScope, portal) => {
  it('asks GitHub for the cloud audience, Entra for the cloud ARM scope, and links the cloud portal', async () => {
    world = await startWorld({ cloud, dataPlane: false })
    const run = await world.run({ environment: cloud })
    expect(run.exitCode).toBe(0)
    expect(world.sandbox.idTokensIssued.length).toBeGreaterThan(0)
    expect(new Set(world.sandbox.idTokensIssued.map(t => t.audience))).toEqual(
      new Set([OIDC_AUDIENCE[cloud]])
    )
    const scopes = world.sandbox.tokensIssued.map(t => t.scope)
    expect(scopes).toContain(armScope)
    expect(scopes.every(s => s === armScope)).toBe(true)
    expect(run.summary).toContain(`href="${portal}`)
  })
})

it("a GitHub token with another cloud's audience is refused (AADSTS700212), and the action says which audience to use", async () => {
  world = await startWorld({ cloud: 'azureusgovernment', dataPlane: false })
  // The federated credential expects the US Government audience: signing in for the public cloud fails.
  const run = await world.run({ environment: 'azurecloud' })
  expect(run.exitCode).toBe(1)
  expect(run.result.failure?.message).toMatch(/AADSTS700212/)
  expect(run.result.failure?.fix).toContain('api://AzureADTokenExchange')
})
