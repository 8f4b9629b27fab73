import { quote } from './input-reader.js'
import { checkResourceIdGroup } from './resource-id-group.js'
import * as rules from './rules.js'
import type { IdentityChoice } from './types.js'

/** `identity`: system, or the resource ID of a user-assigned identity. */
export function readIdentity(value: string, problems: string[]): IdentityChoice {
  if (value.toLowerCase() === 'system') return { kind: 'system' }
  const match = rules.USER_ASSIGNED_IDENTITY_ID.exec(value)
  const example =
    '/subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>'
  if (!match) {
    problems.push(
      `Input "identity" is ${quote(value)}; use system, or the resource ID of a user-assigned identity: ${example}.`
    )
    return { kind: 'system' }
  }
  const [, subscriptionId, resourceGroup, name] = match
  if (!rules.GUID.test(subscriptionId))
    problems.push(
      `Input "identity" has subscription ${quote(subscriptionId)}, which is not a GUID; use ${example}.`
    )
  checkResourceIdGroup('identity', resourceGroup, problems)
  if (!rules.IDENTITY_NAME.test(name))
    problems.push(
      `Input "identity" has identity name ${quote(name)}, which is not valid: 3–128 letters, digits, hyphens and underscores.`
    )
  return { kind: 'user', resourceId: value, subscriptionId, resourceGroup, name }
}
