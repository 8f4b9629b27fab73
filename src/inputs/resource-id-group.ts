import { quote } from './input-reader.js'
import * as rules from './rules.js'

/**
 * The resource group inside a resource ID an input gives (an app, a job, a cache, an identity). The action builds
 * request URLs from it, so it obeys the same rule as the resource-group input: a "..", "?" or "#" there would
 * point the request somewhere else.
 */
export function checkResourceIdGroup(input: string, group: string, problems: string[]): void {
  if (!rules.RESOURCE_GROUP.test(group))
    problems.push(
      `Input "${input}" has resource group ${quote(group)} in its resource ID, which is not a valid resource group name: use ${rules.RESOURCE_GROUP_RULE}.`
    )
}
