import type { RedisCacheAccessPolicyAssignment } from '@azure/arm-rediscache'
import { cacheFacts, entraFix, type CacheState } from '../domain/cache.js'
import { principalOf } from '../domain/identities.js'
import { WORKLOADS } from '../domain/target.js'
import { findAssignmentFor } from '../plan/assignment-plan.js'
import { desiredVariables, type ConnectionValues } from '../plan/variables-plan.js'
import {
  describeFailure,
  describeRevision,
  readRevisionState,
  type RevisionStatus
} from '../domain/revision.js'
import type { TargetResource } from '../read/target.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { signInCheck } from './sign-in-check.js'

export interface Evidence {
  /** The app or the job, read fresh. */
  app: TargetResource
  cache: CacheState
  assignments: RedisCacheAccessPolicyAssignment[]
  /** The latest ready revision, read fresh. */
  revision?: RevisionStatus
  /** The app's latest revision, when it is not the latest ready one (still starting, or failed). */
  latestRevision?: RevisionStatus
  policy: string
  expectedPrincipalId?: string
}

/** The control-plane checks: each says what it looked at, so a reader can trust a pass. */
export function controlPlaneChecks(ctx: RunContext, e: Evidence): CheckRecord[] {
  const { config } = ctx
  const checks: CheckRecord[] = []
  const identity = principalOf(e.app, config.identity)
  const who =
    config.identity.kind === 'system'
      ? 'system-assigned identity'
      : `user-assigned identity ${config.identity.name}`
  // Without revisions (a job), the variables are checked in the template: its next execution runs it.
  const workload = WORKLOADS[ctx.target.kind]
  const { noun } = workload
  const identityTitle = `${workload.nounTitle} has the managed identity`
  const variablesTitle = workload.hasRevisions
    ? 'Latest ready revision has the Redis variables'
    : `${workload.nounTitle} template has the Redis variables`

  checks.push(
    identity.principalId && (!e.expectedPrincipalId || identity.principalId === e.expectedPrincipalId)
      ? {
          id: 'identity',
          title: identityTitle,
          status: 'passed',
          evidence: `${who}, principal id ${identity.principalId}`
        }
      : {
          id: 'identity',
          title: identityTitle,
          status: 'failed',
          evidence: identity.principalId
            ? `${who} has principal id ${identity.principalId}, expected ${e.expectedPrincipalId}`
            : `the ${noun} has no ${who}`,
          fix: 'Run the action with mode: apply to add the identity.'
        }
  )

  const cache = cacheFacts(e.cache)
  checks.push(
    cache.entraOn
      ? {
          id: 'entra-auth',
          title: 'Cache accepts Microsoft Entra authentication',
          status: 'passed',
          evidence: cache.entraSetting
        }
      : {
          id: 'entra-auth',
          title: 'Cache accepts Microsoft Entra authentication',
          status: 'failed',
          evidence: cache.entraSetting,
          fix: entraFix(config.redisName, config.redisResourceGroup)
        }
  )

  const assignment = identity.principalId ? findAssignmentFor(e.assignments, identity.principalId) : undefined
  if (!assignment) {
    checks.push({
      id: 'assignment',
      title: 'Identity has a Redis data access policy',
      status: 'failed',
      evidence: identity.principalId
        ? `no access policy assignment on ${config.redisName} for object id ${identity.principalId}`
        : `no access policy assignment on ${config.redisName} can exist yet: the ${noun} has no ${who}`,
      fix: 'Run the action with mode: apply to create the assignment.'
    })
  } else {
    const problems: string[] = []
    if (assignment.provisioningState && assignment.provisioningState !== 'Succeeded')
      problems.push(`provisioning state ${assignment.provisioningState}`)
    if ((assignment.accessPolicyName ?? '').toLowerCase() !== e.policy.toLowerCase())
      problems.push(`policy ${assignment.accessPolicyName}, not ${e.policy}`)
    checks.push({
      id: 'assignment',
      title: 'Identity has a Redis data access policy',
      status: problems.length ? 'failed' : 'passed',
      evidence: `assignment ${assignment.name}: object id ${assignment.objectId}, policy ${assignment.accessPolicyName}, ${assignment.provisioningState ?? 'state unknown'}${problems.length ? ` (${problems.join('; ')})` : ''}`,
      fix: problems.length
        ? 'Run the action with mode: apply; it updates the assignment in place.'
        : undefined
    })
  }

  const values: ConnectionValues = {
    host: cache.hostName ?? '',
    port: String(cache.port ?? ''),
    objectId: identity.principalId,
    clientId: config.identity.kind === 'user' ? identity.clientId : undefined
  }
  const wanted = desiredVariables(config.variables, values)
  // Without the wait, the new revision may not be ready yet: its variables are the app template's.
  const template = !workload.hasRevisions || !config.wait ? e.app.template : e.revision?.template
  const where = !workload.hasRevisions
    ? `the ${noun} template`
    : !config.wait
      ? 'the app template (wait is false)'
      : `revision ${e.revision?.name}`
  if (!template) {
    checks.push({
      id: 'variables',
      title: variablesTitle,
      status: 'failed',
      evidence: workload.hasRevisions ? 'the app has no ready revision' : `the ${noun} has no template`,
      fix: 'Check the revision in the portal (Revisions and replicas) for why it is not ready.'
    })
  } else {
    const containers = (template.containers ?? []).filter(
      c => !config.containers || config.containers.includes(c.name ?? '')
    )
    const wrong: string[] = []
    const secrets: string[] = []
    const repeated: string[] = []
    for (const c of containers) {
      for (const [name, value] of wanted) {
        // Every entry of the name: the one the container sees is not documented when there are several.
        const entries = (c.env ?? []).filter(v => v.name === name)
        if (entries.length > 1) repeated.push(`${c.name}: ${name} ×${entries.length}`)
        const secret = entries.find(v => v.secretRef !== undefined)
        if (secret) secrets.push(`${c.name}: ${name}`)
        if (entries.length && entries.every(v => v.secretRef === undefined && (v.value ?? '') === value))
          continue
        const expected =
          name === config.variables.objectId && !identity.principalId
            ? "the identity's object id"
            : JSON.stringify(value)
        const found = secret
          ? `from secret ${secret.secretRef}, whose value Azure does not show, so it cannot be checked`
          : entries.length > 1
            ? `in ${entries.length} entries, ${entries.map(v => JSON.stringify(v.value ?? '')).join(', ')}`
            : entries.length
              ? `is ${JSON.stringify(entries[0].value ?? '')}`
              : 'is missing'
        wrong.push(`${c.name}: ${name} ${found}, expected ${expected}`)
      }
    }
    const twice = repeated.length ? ` (${repeated.join(', ')}: every entry has the value)` : ''
    checks.push(
      wrong.length
        ? {
            id: 'variables',
            title: variablesTitle,
            status: 'failed',
            evidence: `in ${where}: ${wrong.join('; ')}`,
            fix: secrets.length
              ? `Remove the secret reference (${secrets.join(', ')}) so the action can set a plain value, or give the action variables of its own (inputs host-variable, port-variable, object-id-variable); then run the action with mode: apply.`
              : 'Run the action with mode: apply to set them.'
          }
        : {
            id: 'variables',
            title: variablesTitle,
            status: 'passed',
            evidence: `in ${where}, containers ${containers.map(c => c.name).join(', ')}: ${wanted.map(([n, v]) => `${n}=${v}`).join(', ')}${twice}`
          }
    )
  }

  checks.push(
    signInCheck({
      kind: config.identity.kind,
      names: config.variables,
      containers: config.containers,
      workload,
      template,
      where,
      identity: e.app.identity,
      connectedPrincipalId: identity.principalId,
      assignmentObjectId: assignment?.objectId
    })
  )

  if (!workload.hasRevisions) {
    checks.push(...jobRevisionChecks())
    return checks
  }
  if (!config.wait) {
    checks.push({
      id: 'revision',
      title: REVISION_TITLE,
      status: 'skipped',
      evidence: `wait is false${e.app.latestRevisionName !== e.app.latestReadyRevisionName ? `; ${latestNotReady(e)}` : ''}`
    })
  } else {
    checks.push(revisionCheck(e))
  }

  checks.push(trafficCheck(e))
  return checks
}

const REVISION_TITLE = 'Revision is provisioned and healthy'
const REVISION_FIX = 'Check the revision in the portal (Revisions and replicas) and the app logs.'

/** What the app's latest revision is, when it is not the latest ready one. */
function latestNotReady(e: Evidence): string {
  const latest = e.latestRevision
  if (!latest) return `the latest revision ${e.app.latestRevisionName ?? 'none'} is not ready`
  const reading = readRevisionState(latest)
  return reading.phase === 'failed'
    ? describeFailure(latest.name ?? '?', reading)
    : `the latest revision ${latest.name} is not ready yet: ${describeRevision(latest)}`
}

/** Passes when the app's latest revision is its latest ready one and reads ready (ScaledToZero included). */
function revisionCheck(e: Evidence): CheckRecord {
  if (!e.revision) {
    return {
      id: 'revision',
      title: REVISION_TITLE,
      status: 'failed',
      evidence: `the app has no ready revision; ${latestNotReady(e)}`,
      fix: REVISION_FIX
    }
  }
  const reading = readRevisionState(e.revision)
  const current = e.app.latestRevisionName === e.revision.name
  const ok = reading.phase === 'ready' && current
  return {
    id: 'revision',
    title: REVISION_TITLE,
    status: ok ? 'passed' : 'failed',
    evidence: `${e.revision.name}: ${describeRevision(e.revision)}${reading.reason ? `; ${reading.reason}` : ''}${current ? '' : `; ${latestNotReady(e)}`}`,
    fix: ok ? undefined : REVISION_FIX
  }
}

const JOB_HAS_NO_REVISIONS = 'jobs have no revisions; the next execution uses the template'

/** The revision and traffic checks of an app, skipped for a job with the reason. */
function jobRevisionChecks(): CheckRecord[] {
  return [
    {
      id: 'revision',
      title: REVISION_TITLE,
      status: 'skipped',
      evidence: JOB_HAS_NO_REVISIONS
    },
    {
      id: 'traffic',
      title: 'Traffic reaches the revision',
      status: 'skipped',
      evidence: JOB_HAS_NO_REVISIONS
    }
  ]
}

export function trafficCheck(e: Evidence): CheckRecord {
  const mode = e.app.configuration?.activeRevisionsMode ?? 'Single'
  const traffic = e.app.configuration?.ingress?.traffic ?? []
  const ready = e.revision?.name
  if (!e.app.configuration?.ingress)
    return {
      id: 'traffic',
      title: 'Traffic reaches the revision',
      status: 'skipped',
      evidence: 'the app has no ingress'
    }
  if (/single/i.test(mode)) {
    return {
      id: 'traffic',
      title: 'Traffic reaches the revision',
      status: ready ? 'passed' : 'failed',
      evidence: `Single revision mode: 100% to ${ready ?? 'no ready revision'}`
    }
  }
  const split =
    traffic
      .map(t => `${t.latestRevision ? `latest (${ready})` : t.revisionName}: ${t.weight ?? 0}%`)
      .join(', ') || 'no traffic rules'
  const toReady = traffic
    .filter(t => t.latestRevision || t.revisionName === ready)
    .reduce((sum, t) => sum + (t.weight ?? 0), 0)
  return {
    id: 'traffic',
    title: 'Traffic reaches the revision',
    status: toReady >= 100 ? 'passed' : 'warning',
    evidence: `Multiple revision mode: ${split}; ${toReady}% reaches the revision with the variables`,
    fix:
      toReady >= 100
        ? undefined
        : 'Revisions without the variables still serve traffic; shift traffic when you are ready (az containerapp ingress traffic set).'
  }
}
