import { describe, expect, it, jest } from '@jest/globals'
import { quietCore } from './quiet-core.ts'

await quietCore()
const { GitHubAssertionProvider } = await import('../../src/credential/github-oidc.js')

const jwt = (exp: number) =>
  `e30.${Buffer.from(JSON.stringify({ exp, sub: 'repo:o/r:ref:refs/heads/main' })).toString('base64url')}.sig`

describe('GitHubAssertionProvider', () => {
  it('reuses the GitHub token until a minute before it expires, then mints a new one', async () => {
    let now = 1_000_000_000
    const fetch = jest.fn(async (_aud: string) => jwt(now / 1000 + 300))
    const provider = new GitHubAssertionProvider('api://AzureADTokenExchange', fetch, () => now)
    await provider.getAssertion()
    now += 200_000
    await provider.getAssertion()
    expect(fetch).toHaveBeenCalledTimes(1)
    now += 50_000 // 50 s left
    await provider.getAssertion()
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(fetch).toHaveBeenCalledWith('api://AzureADTokenExchange')
    expect(provider.lastClaims?.sub).toBe('repo:o/r:ref:refs/heads/main')
  })
})
