// GitHub Actions' OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): the workflow's side of the federation.
import { randomBytes, randomUUID } from 'node:crypto'
import { HttpError } from './http.ts'
import type { Route } from './http.ts'
import { createSigningKey, signJwt } from './jwt.ts'
import type { SigningKey } from './jwt.ts'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface GitHubClaims {
  sub: string
  repository: string
  ref: string
  job_workflow_ref: string
  /** exp - iat; GitHub uses 300 */
  lifetimeSeconds: number
}

export interface GitHubIssuer {
  issuer: string
  key: SigningKey
  requestToken: string
  claims: GitHubClaims
  setClaims(c: Partial<GitHubClaims>): void
  mint(audience: string): string
  /** the audience and subject of every token minted, in order */
  issued: { audience: string; sub: string }[]
}

export function createGitHubIssuer(): GitHubIssuer {
  const claims: GitHubClaims = {
    sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    repository: 'octo-org/octo-repo',
    ref: 'refs/heads/main',
    job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
    lifetimeSeconds: 300
  }
  const key = createSigningKey()
  const issued: { audience: string; sub: string }[] = []
  return {
    issued,
    issuer: GITHUB_ISSUER,
    key,
    requestToken: randomBytes(24).toString('base64url'),
    claims,
    setClaims(c) {
      Object.assign(claims, c)
    },
    mint(audience) {
      issued.push({ audience, sub: claims.sub })
      const iat = Math.floor(Date.now() / 1000)
      const owner = claims.repository.split('/')[0]
      return signJwt(
        {
          jti: randomUUID(),
          sub: claims.sub,
          aud: audience,
          ref: claims.ref,
          sha: randomBytes(20).toString('hex'),
          repository: claims.repository,
          repository_owner: owner,
          run_id: '1',
          run_number: '1',
          run_attempt: '1',
          actor: owner,
          event_name: 'push',
          ref_type: 'branch',
          workflow_ref: claims.job_workflow_ref,
          job_workflow_ref: claims.job_workflow_ref,
          runner_environment: 'github-hosted',
          iss: GITHUB_ISSUER,
          nbf: iat - 5,
          iat,
          exp: iat + claims.lifetimeSeconds
        },
        key
      )
    }
  }
}

/** `GET {requestUrl}&audience=…` with `Authorization: Bearer {requestToken}` → `{ value: jwt }`. */
export function gitHubOidcRoutes(issuer: GitHubIssuer): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/_apis\/pipelines\/idtoken$/,
      operation: 'github.idToken',
      handle(req) {
        if (req.headers.authorization !== `Bearer ${issuer.requestToken}`) {
          throw new HttpError({
            status: 401,
            body: { message: 'Unauthorized: the request token is missing or invalid.' }
          })
        }
        const owner = issuer.claims.repository.split('/')[0]
        const audience = req.query.get('audience') ?? `https://github.com/${owner}`
        return { status: 200, body: { count: 1, value: issuer.mint(audience) } }
      }
    }
  ]
}
