import type { Inputs } from '../inputs/types.js'
import type { CurrentState } from '../read/read-state.js'
import { aadEnabled, entraFix } from '../domain/cache.js'
import { MANAGED_REDIS_ASSIGNMENT_NAME, managedRedisAssignmentName } from '../azure/managed-redis.js'
import { effectivePolicy, planAssignment, type AssignmentPlan } from './assignment-plan.js'
import type { Blocker } from './blocker.js'
import { clientIdContext } from './client-id-plan.js'
import type { IdentityPlan } from './identity-plan.js'
import { planVariables, type ConnectionValues, type VariablesPlan } from './variables-plan.js'

export interface PlannedConnection {
  identity: IdentityPlan
  assignment?: AssignmentPlan
  variables?: VariablesPlan
  values: ConnectionValues
  blockers: Blocker[]
}

/** Plans every step from the state read; what would make the run fail is a blocker, found before any write. */
export function planConnection(
  state: CurrentState,
  inputs: Inputs,
  identity: IdentityPlan,
  o: { entraAuthWillBeOn?: boolean } = {}
): PlannedConnection {
  const values: ConnectionValues = {
    host: state.cache.hostName ?? '',
    port: String(state.cache.sslPort ?? ''),
    objectId: identity.principalId,
    clientId: inputs.identity.kind === 'user' ? identity.clientId : undefined
  }
  const blockers: Blocker[] = []
  if (!aadEnabled(state.cache) && !o.entraAuthWillBeOn) {
    blockers.push({
      step: 'cache',
      message: `Microsoft Entra authentication is off on cache ${inputs.redisName} (aad-enabled is ${String(state.cache.redisConfiguration?.aadEnabled ?? 'unset')}), so it cannot accept access policy assignments or tokens.`,
      fix: `${entraFix(inputs.redisName, inputs.redisResourceGroup)} Or set \`enable-entra-auth: true\` to have this action do it.`
    })
  }
  if (!state.cache.sslPort || !state.cache.hostName) {
    blockers.push({
      step: 'cache',
      message: `Cache ${inputs.redisName} reports no host name or TLS port (provisioning state ${state.cache.provisioningState ?? 'unknown'}).`,
      fix: 'Wait until the cache is provisioned, then rerun.'
    })
  }
  const managed = state.cacheRef.kind === 'managed-redis'
  // Managed Redis names allow no hyphens, so its default name is the object id without them.
  const requestedName =
    inputs.assignmentName ??
    (managed && identity.principalId ? managedRedisAssignmentName(identity.principalId) : undefined)
  if (managed && inputs.assignmentName && !MANAGED_REDIS_ASSIGNMENT_NAME.test(inputs.assignmentName)) {
    blockers.push({
      step: 'assignment',
      message: `Input "assignment-name" is "${inputs.assignmentName}", but Azure Managed Redis assignment names are 1–60 letters and digits (no hyphens).`,
      fix: 'Remove the hyphens, or leave assignment-name empty to use the object id without hyphens.'
    })
  }
  const assignment = planAssignment({
    assignments: state.assignments,
    policies: state.policies,
    wantedPolicy: effectivePolicy(inputs.accessPolicy, state.cacheRef.kind),
    objectId: identity.principalId,
    requestedName,
    alias: inputs.containerApp
  })
  const variables = planVariables({
    containers: state.app.template?.containers ?? [],
    selected: inputs.containers,
    names: inputs.variables,
    values,
    signIn: clientIdContext(inputs.identity, state.app.identity)
  })
  return {
    identity,
    assignment: assignment.plan,
    variables: variables.plan,
    values,
    blockers: [...blockers, ...assignment.blockers, ...variables.blockers]
  }
}
