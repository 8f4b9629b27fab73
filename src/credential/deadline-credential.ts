import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import type { Deadline } from '../deadline.js'

/**
 * Bounds every token request by the run's deadline, including the ones the SDK pipelines make on their own.
 * `@azure/identity` does not hand the caller's abort signal to MSAL's requests (nor to the client assertion
 * callback, nor to `az`), so a hanging Entra or GitHub endpoint would otherwise outlive timeout-minutes.
 */
export function deadlineCredential(
  inner: TokenCredential,
  deadline: Deadline,
  waitingFor: (scopes: string | string[]) => string
): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      return deadline.race(inner.getToken(scopes, options), () => waitingFor(scopes))
    }
  }
}
