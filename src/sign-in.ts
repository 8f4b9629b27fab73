import * as core from '@actions/core'
import type { Sleep } from './azure/retry.js'
import type { Deadline } from './deadline.js'
import { explainFailure } from './explain-failure.js'
import type { RunConfig } from './inputs/types.js'
import { recordStep } from './report/record-step.js'
import type { RunReport } from './report/run-report.js'
import type { Cloud } from './domain/cloud.js'
import { createCredential, type SignIn } from './credential/create-credential.js'
import { decodeJwtClaims, type IdTokenSource } from './credential/github-oidc.js'

/** Signs in once for the whole run, so a refused credential fails before anything else is tried. */
export async function signIn(
  report: RunReport,
  config: RunConfig,
  cloud: Cloud,
  deadline: Deadline,
  o: { sleep: Sleep; fetchIdToken?: IdTokenSource }
): Promise<SignIn> {
  let created: SignIn | undefined
  return recordStep(
    report,
    { id: 'sign-in' },
    async () => {
      created = createCredential(config.auth, cloud, deadline, o)
      // enableCae as the SDK clients ask for it: MSAL caches CAE and non-CAE tokens apart, so this one
      // token then serves every ARM client (no second Entra round trip before the first read).
      const token = await created.credential.getToken(cloud.resourceManagerScope, {
        abortSignal: deadline.signal,
        enableCae: true
      })
      if (!token) throw new Error('the credential returned no access token')
      core.setSecret(token.token)
      const claims = decodeJwtClaims(token.token) as { oid?: string }
      return {
        status: 'done',
        detail: `${created.describe}; workflow identity object id ${claims.oid ?? 'unknown'}`,
        value: created
      }
    },
    error =>
      explainFailure(error, 'sign in to Azure', {
        cloud,
        signIn: created,
        deadline
      })
  )
}
