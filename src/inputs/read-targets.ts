import type { Target, TargetKind } from '../domain/target.js'
import { quote } from './input-reader.js'
import { checkResourceIdGroup } from './resource-id-group.js'
import * as rules from './rules.js'

const NAME_RULE: Record<TargetKind, string> = {
  app: 'a container app name has 2–32 lower-case letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no "--"; put several apps one per line',
  job: 'a job name has 2–32 lower-case letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no "--"; put several jobs one per line'
}

/**
 * The apps and jobs of the run: names (one per line) in container-app are apps and in container-app-job are
 * jobs, in the resource-group input; a resource ID in either input names its own kind and resource group
 * (…/Microsoft.App/containerApps/{name} is an app, …/Microsoft.App/jobs/{name} a job).
 */
export function readTargets(
  text: { apps: string; jobs: string },
  defaults: { subscriptionId: string; resourceGroup: string },
  problems: string[],
  matching: (name: string, value: string, pattern: RegExp, rule: string) => void
): Target[] {
  const lines = (value: string) =>
    value
      .split('\n')
      .map(n => n.trim())
      .filter(Boolean)
  const entries = [
    ...lines(text.apps).map(line => ({ input: 'container-app', kind: 'app' as const, line })),
    ...lines(text.jobs).map(line => ({ input: 'container-app-job', kind: 'job' as const, line }))
  ]
  if (!entries.length) {
    problems.push(
      'Input "container-app" is required: the name of the container app (several: one per line), unless "container-app-job" names a Container Apps job.'
    )
    return []
  }
  const example = '/subscriptions/<subscription-id>/resourceGroups/<group>/providers/Microsoft.App/'
  const targets: Target[] = []
  for (const { input, kind, line } of entries) {
    if (!line.startsWith('/')) {
      matching(input, line, rules.CONTAINER_APP, NAME_RULE[kind])
      targets.push({ kind, name: line, resourceGroup: defaults.resourceGroup })
      continue
    }
    const match = rules.CONTAINER_APP_OR_JOB_ID.exec(line)
    if (!match) {
      problems.push(
        `Input "${input}" has ${quote(line)}, which is not the resource ID of a container app or a job; use ${example}containerApps/<name> or ${example}jobs/<name>, or just the name.`
      )
      continue
    }
    const [, subscriptionId, resourceGroup, type, name] = match
    const idKind = type.toLowerCase() === 'jobs' ? 'job' : 'app'
    if (subscriptionId.toLowerCase() !== defaults.subscriptionId.toLowerCase())
      problems.push(
        `Input "${input}" has ${quote(line)}, in subscription ${quote(subscriptionId)}; the action works in the subscription-id subscription (${quote(defaults.subscriptionId)}): run it once per subscription.`
      )
    checkResourceIdGroup(input, resourceGroup, problems)
    matching(input, name, rules.CONTAINER_APP, NAME_RULE[idKind])
    targets.push({ kind: idKind, name, resourceGroup })
  }
  const unique = [
    ...new Map(
      targets.map(t => [`${t.kind}/${t.resourceGroup}/${t.name}`.toLowerCase(), t] as const)
    ).values()
  ]
  const names = unique.map(t => t.name)
  const repeated = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))]
  if (repeated.length)
    problems.push(
      `Inputs "container-app" and "container-app-job" name ${repeated.map(quote).join(', ')} more than once (as an app and a job, or in two resource groups); outputs and reports are keyed by name, so connect them in separate steps.`
    )
  return unique
}
