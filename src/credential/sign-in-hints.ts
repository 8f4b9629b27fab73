import type { Cloud } from '../domain/cloud.js'
import type { PresentedClaims } from './github-oidc.js'

/** Turns an Entra sign-in failure into what to fix, using the claims of the GitHub token that was presented. */
export function explainSignInFailure(
  message: string,
  claims: PresentedClaims | undefined,
  cloud: Cloud,
  clientId: string
): string {
  const code = /AADSTS(\d+)/.exec(message)?.[1] ?? ''
  const presented = claims
    ? `The GitHub token presented had issuer ${claims.iss ?? '?'}, subject ${claims.sub ?? '?'} and audience ${[claims.aud].flat().join(', ') || '?'}.`
    : ''
  const subjectShapes =
    'Subjects look like repo:OWNER/REPO:ref:refs/heads/BRANCH (a branch), repo:OWNER/REPO:environment:NAME (any job that uses an environment), ' +
    'repo:OWNER/REPO:pull_request (pull requests), or the immutable form repo:OWNER@OWNER_ID/REPO@REPO_ID:... for repositories that use immutable subject claims.'
  const fix = (() => {
    switch (code) {
      case '700213':
        return `No federated credential of application ${clientId} matches this subject. Add a federated credential with exactly the subject above (issuer https://token.actions.githubusercontent.com, audience ${cloud.oidcAudience}). ${subjectShapes}`
      case '7002138':
        return `A federated credential matches only if you ignore letter case, and matching is case-sensitive. Make the credential's subject identical, character for character, to the one above. ${subjectShapes}`
      case '700211':
        return 'No federated credential has this issuer. Its issuer must be https://token.actions.githubusercontent.com (no trailing slash), or your enterprise issuer if you use one.'
      case '700212':
        return `No federated credential accepts this audience. Use audience ${cloud.oidcAudience} in the credential, or set the action's audience input to the one the credential has.`
      case '700024':
        return 'The GitHub token was outside its valid time range. Check the runner clock; the action mints a fresh token for every sign-in.'
      case '700016':
        return `Application ${clientId} was not found in the tenant. Check client-id and tenant-id: the client ID is the "Application (client) ID" of the app registration or managed identity in that tenant.`
      case '7000215':
      case '7000222':
        return 'The credential is invalid or expired; this action signs in with OIDC and needs no client secret.'
      default:
        return 'Check tenant-id, client-id and the federated credential on the identity.'
    }
  })()
  return [presented, fix].filter(Boolean).join(' ')
}
