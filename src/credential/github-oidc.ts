import * as core from '@actions/core'
import type { Sleep } from '../azure/retry.js'
import type { Deadline } from '../deadline.js'
import { InputError } from '../inputs/input-error.js'
import { logSafe } from '../domain/text.js'

export interface PresentedClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  job_workflow_ref?: string
}

export function decodeJwtClaims(jwt: string): PresentedClaims {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as PresentedClaims
  } catch {
    return {}
  }
}

/** Fails early, before any token request, when the job cannot get a GitHub OIDC token at all. */
export function assertOidcAvailable(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return
  throw new InputError(
    [
      'GitHub did not give this job an OIDC token request (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ' +
        'Workflows triggered from a fork get no OIDC token.'
    ],
    {
      title: 'No GitHub OIDC token for this job',
      fix:
        'Add `permissions: id-token: write` to the workflow or the job (with `contents: read` if you also check out code). ' +
        'For pull requests from forks, run this step on pushes and same-repository pull requests, or use `auth: azure-cli` after azure/login.'
    }
  )
}

export type IdTokenSource = (audience: string) => Promise<string>

/**
 * Supplies GitHub OIDC tokens as client assertions. MSAL asks for an assertion on every token request, even
 * on cache hits, and a GitHub token lives five minutes: reuse one until a minute before it expires, then mint
 * a new one, so a long run never presents an expired assertion (AADSTS700024).
 */
export class GitHubAssertionProvider {
  private cached?: { jwt: string; exp: number }
  private readonly audience: string
  private readonly fetchToken: IdTokenSource
  private readonly deadline: Deadline
  private readonly sleep: Sleep
  /** Claims of the last assertion presented, for diagnosing a mismatch with the federated credential. */
  lastClaims?: PresentedClaims
  /** A request to GitHub's token service is in flight (what a sign-in that never ends is waiting for). */
  fetching = false

  /** The deadline's clock tells a token's age (so it must be the epoch clock); `sleep` is the run's. */
  constructor(
    audience: string,
    clock: { deadline: Deadline; sleep: Sleep },
    fetchToken: IdTokenSource = aud => core.getIDToken(aud)
  ) {
    this.audience = audience
    this.fetchToken = fetchToken
    this.deadline = clock.deadline
    this.sleep = clock.sleep
  }

  /**
   * @actions/http-client retries only 502–504; a 429 or a reset from the token service deserves a retry too.
   * Its request takes no abort signal and no timeout: the caller races the sign-in against the deadline.
   */
  private async fetchWithRetry(): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.fetching = true
        return await this.fetchToken(this.audience)
      } catch (error) {
        const message = (error as Error).message
        if (attempt >= 4 || this.deadline.expired || /Unable to get ACTIONS_ID_TOKEN_REQUEST/.test(message))
          throw error
        core.info(`Could not get the GitHub OIDC token (attempt ${attempt}): ${logSafe(message)} Retrying.`)
        await this.sleep(500 * attempt)
      } finally {
        this.fetching = false
      }
    }
  }

  readonly getAssertion = async (): Promise<string> => {
    const nowSeconds = this.deadline.now() / 1000
    if (!this.cached || this.cached.exp - nowSeconds < 60) {
      const jwt = await this.fetchWithRetry()
      core.setSecret(jwt)
      const claims = decodeJwtClaims(jwt)
      this.cached = { jwt, exp: claims.exp ?? nowSeconds + 300 }
      this.lastClaims = claims
    }
    return this.cached.jwt
  }
}
