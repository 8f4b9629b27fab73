import { AzureCliCredential, ClientAssertionCredential, type TokenCredential } from '@azure/identity'
import { requestLoggingPolicy } from '../azure/debug-policy.js'
import { TRANSPORT_RETRY } from '../azure/transport-retry.js'
import type { Sleep } from '../azure/retry.js'
import type { Deadline } from '../deadline.js'
import type { Auth } from '../inputs/types.js'
import { KNOWN_AUTHORITY_HOSTS, type Cloud } from '../domain/cloud.js'
import { deadlineCredential } from './deadline-credential.js'
import { maskingCredential } from './masking-credential.js'
import { assertOidcAvailable, GitHubAssertionProvider, type IdTokenSource } from './github-oidc.js'

export interface SignIn {
  credential: TokenCredential
  /** Present for OIDC: the client signed in as and the claims of the GitHub token, for hints when Entra refuses it. */
  oidc?: { clientId: string; assertions: GitHubAssertionProvider }
  describe: string
}

const scopeOf = (scopes: string | string[]): string => [scopes].flat().join(' ')

export function createCredential(
  auth: Auth,
  cloud: Cloud,
  deadline: Deadline,
  o: { sleep: Sleep; fetchIdToken?: IdTokenSource }
): SignIn {
  if (auth.method === 'azure-cli') {
    const cli = new AzureCliCredential({ tenantId: auth.tenantId })
    return {
      credential: maskingCredential(
        deadlineCredential(cli, deadline, scopes => `the Azure CLI to return a token for ${scopeOf(scopes)}`)
      ),
      describe: 'Azure CLI session from an earlier azure/login step'
    }
  }
  assertOidcAvailable()
  const { tenantId, clientId } = auth
  const assertions = new GitHubAssertionProvider(
    cloud.oidcAudience,
    { deadline, sleep: o.sleep },
    o.fetchIdToken
  )
  const credential = new ClientAssertionCredential(tenantId, clientId, assertions.getAssertion, {
    authorityHost: cloud.authorityHost,
    // Instance discovery asks login.microsoftonline.com about the authority, which fails for Azure Stack Hub
    // and emulators; the known clouds are built into MSAL.
    disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(cloud.authorityHost),
    // A burst of 503s from Entra is waited out (until the deadline), as one from ARM is; each retry is logged.
    retryOptions: TRANSPORT_RETRY,
    additionalPolicies: [{ policy: requestLoggingPolicy(), position: 'perRetry' }]
  })
  // MSAL asks for the GitHub token inside its own request: while that request is in flight, it is what waits.
  const waitingFor = (scopes: string | string[]): string =>
    assertions.fetching
      ? 'the GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL)'
      : `a Microsoft Entra token for ${scopeOf(scopes)} from ${cloud.authorityHost}`
  return {
    credential: maskingCredential(deadlineCredential(credential, deadline, waitingFor)),
    oidc: { clientId, assertions },
    describe: `GitHub OIDC federated credential of ${clientId}`
  }
}
