import { describe, expect, it, jest } from '@jest/globals'
import { quietCore } from './quiet-core.ts'

await quietCore()
const { GitHubAssertionProvider } = await import('../../src/credential/github-oidc.js')
const { Deadline } = await import('../../src/deadline.js')

const jwt = (exp: number) =>
  `e30.${Buffer.from(JSON.stringify({ exp, sub: 'repo:o/r:ref:refs/heads/main' })).toString('base64url')}.sig`

describe('GitHubAssertionProvider', () => {
  it('reuses the GitHub token until a minute before it expires, then mints a new one', async () => {
    let now = 1_000_000_000
    const fetch = jest.fn(async (_aud: string) => jwt(now / 1000 + 300))
    const deadline = new Deadline(3_600_000, () => now)
    const sleep = jest.fn(async (_ms: number) => undefined)
    const provider = new GitHubAssertionProvider('api://AzureADTokenExchange', { deadline, sleep }, fetch)
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

  it("waits between failed fetches with the run's sleep, on the deadline's clock, without real time", async () => {
    let now = 1_000_000_000
    const deadline = new Deadline(3_600_000, () => now)
    const sleep = jest.fn(async (ms: number) => {
      now += ms
    })
    let calls = 0
    const fetch = jest.fn(async (_aud: string) => {
      if (++calls < 3) throw new Error('socket hang up')
      return jwt(now / 1000 + 300)
    })
    const provider = new GitHubAssertionProvider('api://AzureADTokenExchange', { deadline, sleep }, fetch)
    await provider.getAssertion()
    expect(sleep.mock.calls.map(c => c[0])).toEqual([500, 1000])
    expect(fetch).toHaveBeenCalledTimes(3)
    // The token minted at the fake time is fresh on the fake clock: no new fetch for it.
    await provider.getAssertion()
    expect(fetch).toHaveBeenCalledTimes(3)
  })
})
