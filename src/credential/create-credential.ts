import { AzureCliCredential, ClientAssertionCredential, type TokenCredential } from '@azure/identity'
import type { Inputs } from '../inputs/types.js'
import { KNOWN_AUTHORITY_HOSTS, type Cloud } from './clouds.js'
import { maskingCredential } from './masking-credential.js'
import { assertOidcAvailable, GitHubAssertionProvider, type IdTokenSource } from './github-oidc.js'

export interface SignIn {
  credential: TokenCredential
  /** Present for OIDC: the claims of the GitHub token, for hints when Entra refuses it. */
  assertions?: GitHubAssertionProvider
  describe: string
}

export function createCredential(inputs: Inputs, cloud: Cloud, fetchIdToken?: IdTokenSource): SignIn {
  if (inputs.auth === 'azure-cli') {
    return {
      credential: maskingCredential(new AzureCliCredential({ tenantId: inputs.tenantId })),
      describe: 'Azure CLI session from an earlier azure/login step'
    }
  }
  assertOidcAvailable()
  const assertions = new GitHubAssertionProvider(cloud.oidcAudience, fetchIdToken)
  const credential = new ClientAssertionCredential(
    inputs.tenantId!,
    inputs.clientId!,
    assertions.getAssertion,
    {
      authorityHost: cloud.authorityHost,
      // Instance discovery asks login.microsoftonline.com about the authority, which fails for Azure Stack Hub
      // and emulators; the known clouds are built into MSAL.
      disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(cloud.authorityHost)
    }
  )
  return {
    credential: maskingCredential(credential),
    assertions,
    describe: `GitHub OIDC federated credential of ${inputs.clientId}`
  }
}
