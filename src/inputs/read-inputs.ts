import * as core from '@actions/core'
import { InputError } from './input-error.js'
import * as rules from './rules.js'
import type { Target } from '../read/target.js'
import type { AuthMethod, CacheKind, CloudName, IdentityChoice, Inputs, Mode } from './types.js'

type Getter = (name: string) => string

/** Shows a user's value safely inside an error: quoted, control characters escaped, long values cut. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return JSON.stringify(shown)
}

/**
 * Reads and validates every input before any request to Azure. All problems are gathered so that a user
 * fixes them in one round, and each names the input, what is wrong and how to fix it.
 */
export function readInputs(get: Getter = name => core.getInput(name)): Inputs {
  const problems: string[] = []
  const text = (name: string): string => get(name).trim()

  const required = (name: string, hint: string): string => {
    const value = text(name)
    if (!value) problems.push(`Input "${name}" is required: ${hint}.`)
    return value
  }
  const matching = (name: string, value: string, pattern: RegExp, rule: string): void => {
    if (value && !pattern.test(value))
      problems.push(`Input "${name}" is ${quote(value)}, which is not valid: ${rule}.`)
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = (text(name) || allowed[0]).toLowerCase()
    if (!(allowed as readonly string[]).includes(value)) {
      problems.push(`Input "${name}" is ${quote(text(name))}; use one of: ${allowed.join(', ')}.`)
      return allowed[0]
    }
    return value as T
  }
  const boolean = (name: string): boolean => {
    const value = text(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (/^(false|False|FALSE|)$/.test(value)) return false
    problems.push(`Input "${name}" is ${quote(value)}; use true or false.`)
    return false
  }
  const httpsUrl = (name: string, { allowHttp }: { allowHttp: boolean }): string | undefined => {
    const value = text(name)
    if (!value) return undefined
    let url: URL
    try {
      url = new URL(value)
    } catch {
      problems.push(
        `Input "${name}" is ${quote(value)}, which is not an absolute URL; write it as https://host/path.`
      )
      return undefined
    }
    const okProtocols = allowHttp ? ['https:', 'http:'] : ['https:']
    if (!okProtocols.includes(url.protocol)) {
      problems.push(
        `Input "${name}" must use ${okProtocols.map(p => p.replace(':', '')).join(' or ')}, not ${quote(url.protocol)}.`
      )
    }
    if (url.username || url.password) problems.push(`Input "${name}" must not carry credentials in the URL.`)
    return allowHttp ? url.toString() : value.replace(/\/+$/, '')
  }

  const subscriptionId = required(
    'subscription-id',
    'the subscription of the container app and the cache, a GUID'
  )
  matching(
    'subscription-id',
    subscriptionId,
    rules.GUID,
    'a subscription ID is a GUID such as 00000000-0000-0000-0000-000000000000'
  )
  const tenantId = text('tenant-id') || undefined
  if (tenantId)
    matching(
      'tenant-id',
      tenantId,
      rules.GUID,
      'a tenant ID is a GUID (Microsoft Entra ID > Overview > Tenant ID)'
    )
  const clientId = text('client-id') || undefined
  if (clientId)
    matching(
      'client-id',
      clientId,
      rules.GUID,
      'a client ID is the GUID "Application (client) ID" of the app registration or identity'
    )

  const authChoice = oneOf<'auto' | AuthMethod>('auth', ['auto', 'oidc', 'azure-cli'])
  const auth: AuthMethod = authChoice === 'auto' ? (clientId ? 'oidc' : 'azure-cli') : authChoice
  if (auth === 'oidc') {
    if (!clientId)
      problems.push(
        'Input "client-id" is required for OIDC sign-in: set it to the client ID of the identity with a federated credential for this repository, or use auth: azure-cli after azure/login.'
      )
    if (!tenantId)
      problems.push(
        'Input "tenant-id" is required with "client-id" for OIDC sign-in: set it to your Microsoft Entra tenant ID.'
      )
  }
  const environment = oneOf<CloudName>('environment', ['azurecloud', 'azureusgovernment', 'azurechinacloud'])
  const audience = text('audience') || undefined
  if (audience && /\s/.test(audience))
    problems.push(
      `Input "audience" is ${quote(audience)}; an audience has no spaces (for example api://AzureADTokenExchange).`
    )

  const resourceGroup = required('resource-group', 'the resource group of the container app')
  matching(
    'resource-group',
    resourceGroup,
    rules.RESOURCE_GROUP,
    'use 1–90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period'
  )
  const targets = readTargets(
    { apps: get('container-app'), jobs: get('container-app-job') },
    { subscriptionId, resourceGroup },
    problems,
    matching
  )
  const containerApps = targets.filter(t => t.kind === 'app').map(t => t.name)
  const target: Target = targets[0] ?? { kind: 'app', name: '', resourceGroup }
  const containerApp = target.name
  const redisText = required(
    'redis-name',
    'the name (or resource ID) of the Azure Cache for Redis or Azure Managed Redis'
  )
  const cacheId = rules.CACHE_RESOURCE_ID.exec(redisText)
  const redisKind: CacheKind | undefined = cacheId
    ? cacheId[3].toLowerCase() === 'redisenterprise'
      ? 'managed-redis'
      : 'redis'
    : undefined
  const redisName = cacheId ? cacheId[4] : redisText
  matching(
    'redis-name',
    redisName,
    rules.REDIS_CACHE,
    'a cache name has 1–63 letters, digits and hyphens, starts and ends with a letter or digit and has no "--"; or give the resource ID of a Microsoft.Cache/redis or Microsoft.Cache/redisEnterprise resource'
  )
  if (cacheId && cacheId[1].toLowerCase() !== subscriptionId.toLowerCase()) {
    problems.push(
      `Input "redis-name" is a resource ID in subscription ${quote(cacheId[1])}, but subscription-id is ${quote(subscriptionId)}; the cache must be in the subscription of the app.`
    )
  }
  const redisResourceGroup = cacheId ? cacheId[2] : text('redis-resource-group') || resourceGroup
  matching(
    'redis-resource-group',
    text('redis-resource-group'),
    rules.RESOURCE_GROUP,
    'use 1–90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period'
  )

  const accessPolicy = text('access-policy') || 'Data Contributor'
  matching(
    'access-policy',
    accessPolicy,
    rules.ACCESS_POLICY,
    'use a built-in policy ("Data Owner", "Data Contributor", "Data Reader") or the name of a custom policy on the cache'
  )

  const identity = readIdentity(text('identity') || 'system', problems)

  const containersText = get('containers')
  const containers = containersText.trim()
    ? [
        ...new Set(
          containersText
            .split(/[\n,]/)
            .map(s => s.trim())
            .filter(Boolean)
        )
      ]
    : undefined
  for (const name of containers ?? []) {
    matching(
      'containers',
      name,
      rules.CONTAINER_NAME,
      'container names are lower-case letters, digits and inner hyphens; separate several with commas or new lines'
    )
  }

  const variables = {
    host: text('host-variable') || 'REDIS_HOST',
    port: text('port-variable') || 'REDIS_PORT',
    objectId: text('object-id-variable') || 'REDIS_OBJECT_ID',
    clientId: text('client-id-variable') || 'AZURE_CLIENT_ID'
  }
  const variableInputs = {
    'host-variable': variables.host,
    'port-variable': variables.port,
    'object-id-variable': variables.objectId,
    'client-id-variable': variables.clientId
  }
  for (const [name, value] of Object.entries(variableInputs)) {
    matching(
      name,
      value,
      rules.ENV_VAR_NAME,
      'a variable name has letters, digits, "_", "-" or "." and does not start with a digit'
    )
  }
  const names = Object.values(variables)
  if (new Set(names).size !== names.length)
    problems.push(
      `Inputs "host-variable", "port-variable", "object-id-variable" and "client-id-variable" must name four different variables; they are ${names.map(quote).join(', ')}.`
    )

  const assignmentName = text('assignment-name') || undefined
  if (assignmentName)
    matching(
      'assignment-name',
      assignmentName,
      rules.ASSIGNMENT_NAME,
      'an assignment name has 3–63 letters, digits and inner hyphens (no spaces or underscores)'
    )

  const mode = oneOf<Mode>('mode', ['apply', 'plan', 'verify', 'disconnect'])
  const wait = boolean('wait')
  const timeoutText = text('timeout-minutes') || '20'
  const timeoutMinutes = Number(timeoutText)
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(timeoutMinutes >= 0.1 && timeoutMinutes <= 360)) {
    problems.push(
      `Input "timeout-minutes" is ${quote(timeoutText)}; use a number of minutes from 0.1 to 360.`
    )
  }
  const probeRedis = boolean('probe-redis')
  const removeIdentity = boolean('remove-identity')
  const enableEntraAuth = boolean('enable-entra-auth')
  const disableAccessKeys = boolean('disable-access-keys')
  if (removeIdentity && mode !== 'disconnect')
    problems.push(
      'Input "remove-identity" only applies to mode: disconnect; remove it, or set mode: disconnect.'
    )
  if (disableAccessKeys && mode !== 'apply')
    problems.push(
      'Input "disable-access-keys" only applies to mode: apply (it runs after every check passed); remove it for this mode.'
    )
  const healthUrl = httpsUrl('health-url', { allowHttp: true })
  if (healthUrl && targets.length && targets.every(t => t.kind === 'job'))
    problems.push(
      'Input "health-url" does not apply to Container Apps jobs: a job serves no HTTP, and its next execution runs the template this action checks. Remove health-url, or use it with a container app.'
    )
  const resourceManagerEndpoint = httpsUrl('resource-manager-endpoint', { allowHttp: false })
  const authorityHost = httpsUrl('authority-host', { allowHttp: false })

  if (problems.length) throw new InputError(problems)
  return {
    subscriptionId,
    tenantId,
    clientId,
    audience,
    auth,
    environment,
    resourceManagerEndpoint,
    authorityHost,
    resourceGroup,
    containerApp,
    containerApps,
    target,
    targets,
    redisName,
    redisResourceGroup,
    redisKind,
    accessPolicy,
    identity,
    containers,
    variables,
    assignmentName,
    mode,
    wait,
    timeoutMinutes,
    probeRedis,
    removeIdentity,
    enableEntraAuth,
    disableAccessKeys,
    healthUrl
  }
}

const APP_NAME_RULE =
  'a container app name has 2–32 lower-case letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no "--"; put several apps one per line'
const JOB_NAME_RULE =
  'a job name has 2–32 lower-case letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no "--"; put several jobs one per line'

/**
 * The apps and jobs of the run: names (one per line) in container-app are apps and in container-app-job are
 * jobs, in the resource-group input; a resource ID in either input names its own kind and resource group
 * (…/Microsoft.App/containerApps/{name} is an app, …/Microsoft.App/jobs/{name} a job).
 */
function readTargets(
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
      matching(input, line, rules.CONTAINER_APP, kind === 'job' ? JOB_NAME_RULE : APP_NAME_RULE)
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
    matching(
      input,
      resourceGroup,
      rules.RESOURCE_GROUP,
      'the resource group in the resource ID must be 1–90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period'
    )
    matching(input, name, rules.CONTAINER_APP, idKind === 'job' ? JOB_NAME_RULE : APP_NAME_RULE)
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

function readIdentity(value: string, problems: string[]): IdentityChoice {
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
  if (!rules.RESOURCE_GROUP.test(resourceGroup))
    problems.push(
      `Input "identity" has resource group ${quote(resourceGroup)}, which is not a valid resource group name.`
    )
  if (!rules.IDENTITY_NAME.test(name))
    problems.push(
      `Input "identity" has identity name ${quote(name)}, which is not valid: 3–128 letters, digits, hyphens and underscores.`
    )
  return { kind: 'user', resourceId: value, subscriptionId, resourceGroup, name }
}
