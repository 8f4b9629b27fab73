// Checks both Redis RPs (classic caches and Managed Redis databases) make on an access policy assignment PUT.
import type { SandboxState } from '../state.ts'
import { armError } from './errors.ts'

/** Another assignment than the one being written that gives the same object id access, if any. */
export function otherAssignmentFor<A extends { objectId: string }>(
  assignments: Map<string, A>,
  existing: A | undefined,
  objectId: string
): A | undefined {
  return [...assignments.values()].find(
    a => a !== existing && a.objectId.toLowerCase() === objectId.toLowerCase()
  )
}

/**
 * The principal must be in the directory and older than its replication delay, as the Redis RP sees it. Azure does
 * not document its answer for a principal it does not know yet: `state.unknownPrincipalAnswer` picks the RBAC-style
 * "Principal … does not exist in the directory … replication delay" text, or the 400 `InvalidAccessPolicyAssignment`
 * the cache gives object ids it cannot resolve (hashicorp/terraform-provider-azurerm#31378, #30947).
 */
export function requireReplicatedPrincipal(s: SandboxState, objectId: string): void {
  const principal = s.principals.get(objectId.toLowerCase())
  if (principal && Date.now() - principal.createdAt >= s.replicationDelayMs) return
  if (s.unknownPrincipalAnswer === 'InvalidAccessPolicyAssignment') {
    throw armError(
      400,
      'InvalidAccessPolicyAssignment',
      `The requested access policy assignment (objectId: ${objectId}) is invalid. For more information, see https://aka.ms/redis/MicrosoftEntraAuthenticationPrerequisites`
    )
  }
  throw armError(
    400,
    'PrincipalNotFound',
    `Principal ${objectId} does not exist in the directory ${s.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning an access policy, this error might be related to a replication delay. In this case, retry the operation after some time.`
  )
}
