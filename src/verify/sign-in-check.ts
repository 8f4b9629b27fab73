import type { ManagedServiceIdentity, Template } from '@azure/arm-appcontainers'
import type { IdentityChoice, VariableNames } from '../inputs/types.js'
import { sameId } from '../domain/identities.js'
import type { Workload } from '../domain/target.js'
import { signedInPrincipal, signInIdentity } from '../plan/sign-in-identity.js'
import type { CheckRecord } from '../report/run-report.js'

export interface SignInEvidence {
  kind: IdentityChoice['kind']
  names: VariableNames
  /** undefined: every container */
  containers?: string[]
  workload: Workload
  /** The template the next replicas run (the ready revision's, or the job's), if there is one to read. */
  template?: Template
  where: string
  /** The app's identities, from the fresh GET. */
  identity: ManagedServiceIdentity | undefined
  /** The object id the connection is for: the identity that got the assignment. */
  connectedPrincipalId?: string
  /** The object id of the access policy assignment found for it. */
  assignmentObjectId?: string
}

/**
 * The identity the app would sign in as, by its own variables and identities, against the object id the
 * connection was made for (REDIS_OBJECT_ID and the assignment). An identity attached and assigned proves nothing
 * when the app's credential picks another one.
 */
export function signInCheck(e: SignInEvidence): CheckRecord {
  const title = `${e.workload.nounTitle} signs in as the connected identity`
  if (!e.connectedPrincipalId) {
    return {
      id: 'sign-in-identity',
      title,
      status: 'skipped',
      evidence: `nothing to compare: the ${e.workload.noun} does not have the identity yet (see the identity check)`
    }
  }
  if (!e.template) {
    return { id: 'sign-in-identity', title, status: 'skipped', evidence: `no template to read in ${e.where}` }
  }
  const containers = (e.template.containers ?? []).filter(
    c => !e.containers || e.containers.includes(c.name ?? '')
  )
  const findings = containers.map(container => {
    const env = container.env ?? []
    const signIn = signInIdentity(env, e.kind, e.names, e.identity)
    const principal = signedInPrincipal(signIn)
    const objectIdVariable = env.find(v => v.name === e.names.objectId)
    const objectId = objectIdVariable?.secretRef === undefined ? objectIdVariable?.value : undefined
    const wrong: string[] = []
    if (!principal) wrong.push('so Redis gets no token')
    else {
      if (!sameId(principal, objectId))
        wrong.push(`but ${e.names.objectId} is ${objectId ? objectId : 'not set'}`)
      if (!sameId(principal, e.connectedPrincipalId))
        wrong.push(`but the connected identity is ${e.connectedPrincipalId}`)
      else if (e.assignmentObjectId && !sameId(principal, e.assignmentObjectId))
        wrong.push(`but the assignment is for ${e.assignmentObjectId}`)
    }
    const as = principal ? ` (object id ${principal})` : ''
    return {
      ok: wrong.length === 0,
      text: `${container.name}: ${signIn.because}${as}${wrong.length ? `, ${wrong.join(', ')}` : ''}`
    }
  })
  const failed = findings.filter(f => !f.ok)
  if (failed.length) {
    return {
      id: 'sign-in-identity',
      title,
      status: 'failed',
      evidence: `in ${e.where}: ${failed.map(f => f.text).join('; ')}`,
      fix: `Make the app sign in as the identity that holds the assignment: run the action with mode: apply (it tidies a client id variable it set earlier, and says what to do about one it did not set), or connect Redis with the identity the app signs in as (input identity).`
    }
  }
  return {
    id: 'sign-in-identity',
    title,
    status: 'passed',
    evidence: `in ${e.where}: ${findings.map(f => f.text).join('; ')}, which is ${e.names.objectId} and the assignment's object id`
  }
}
