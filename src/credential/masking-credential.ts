import * as core from '@actions/core'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'

/** Masks every token the credential hands out, including the ones the SDK pipelines ask for on their own. */
export function maskingCredential(inner: TokenCredential): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const token = await inner.getToken(scopes, options)
      if (token?.token) core.setSecret(token.token)
      return token
    }
  }
}
