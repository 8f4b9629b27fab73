import type { Target } from '../domain/target.js'
import type { RunConfig } from '../inputs/types.js'
import type { CurrentState } from '../read/read-state.js'
import { CACHE_KINDS, cacheFacts, entraFix } from '../domain/cache.js'
import { effectivePolicy, planAssignment, type AssignmentPlan } from './assignment-plan.js'
import type { Blocker } from './blocker.js'
import { clientIdContext } from './client-id-plan.js'
import type { IdentityPlan } from './identity-plan.js'
import { planVariables, type ConnectionValues, type VariablesPlan } from './variables-plan.js'

interface PlanOf {
  identity: IdentityPlan
  values: ConnectionValues
}

/** Every step planned, nothing in the way: the run can write (apply) or show (plan) it. */
export interface ReadyPlan extends PlanOf {
  ready: true
  assignment: AssignmentPlan
  variables: VariablesPlan
  blockers: []
}

/** Something makes the run impossible: it fails before any write, saying what and how to fix it. */
export interface BlockedPlan extends PlanOf {
  ready: false
  blockers: Blocker[]
}

export type PlannedConnection = ReadyPlan | BlockedPlan

/** Plans every step from the state read; what would make the run fail is a blocker, found before any write. */
export function planConnection(
  state: CurrentState,
  config: RunConfig,
  target: Target,
  identity: IdentityPlan,
  o: { entraAuthWillBeOn?: boolean } = {}
): PlannedConnection {
  const cache = cacheFacts(state.cache)
  const values: ConnectionValues = {
    host: cache.hostName ?? '',
    port: String(cache.port ?? ''),
    objectId: identity.principalId,
    clientId: config.identity.kind === 'user' ? identity.clientId : undefined
  }
  const blockers: Blocker[] = []
  if (!cache.entraOn && !o.entraAuthWillBeOn) {
    blockers.push({
      step: 'cache',
      message: `Microsoft Entra authentication is off on cache ${config.redisName} (${cache.entraSetting}), so it cannot accept access policy assignments or tokens.`,
      fix: `${entraFix(config.redisName, config.redisResourceGroup)} Or set \`enable-entra-auth: true\` to have this action do it.`
    })
  }
  if (!cache.port || !cache.hostName) {
    blockers.push({
      step: 'cache',
      message: `Cache ${config.redisName} reports no host name or TLS port (provisioning state ${cache.provisioningState ?? 'unknown'}).`,
      fix: 'Wait until the cache is provisioned, then rerun.'
    })
  }
  const kind = CACHE_KINDS[state.cache.kind]
  const requestedName =
    config.assignmentName ??
    (identity.principalId ? kind.defaultAssignmentName(identity.principalId) : undefined)
  const nameRule = kind.assignmentName
  if (nameRule && config.assignmentName && !nameRule.pattern.test(config.assignmentName)) {
    blockers.push({
      step: 'assignment',
      message: `Input "assignment-name" is "${config.assignmentName}", but ${nameRule.rule}.`,
      fix: nameRule.fix
    })
  }
  const assignment = planAssignment({
    assignments: state.cache.assignments,
    policies: state.cache.policies,
    wantedPolicy: effectivePolicy(config.accessPolicy, state.cache.kind),
    objectId: identity.principalId,
    requestedName,
    alias: target.name
  })
  const variables = planVariables({
    containers: state.app.template?.containers ?? [],
    selected: config.containers,
    names: config.variables,
    values,
    signIn: clientIdContext(config.identity, state.app.identity)
  })
  const all = [...blockers, ...assignment.blockers, ...variables.blockers]
  // Each planner returns a plan or says what blocks it.
  if (all.length || !assignment.plan || !variables.plan)
    return { ready: false, identity, values, blockers: all }
  return {
    ready: true,
    identity,
    assignment: assignment.plan,
    variables: variables.plan,
    values,
    blockers: []
  }
}
