import * as core from '@actions/core'
import { DEFAULT_TIMEOUT_MINUTES } from '../deadline.js'
import { InputError } from './input-error.js'
import { InputReader, quote, type Getter } from './input-reader.js'
import { readIdentity } from './read-identity.js'
import { readTargets } from './read-targets.js'
import { WORKLOADS } from '../domain/target.js'
import { checkResourceIdGroup } from './resource-id-group.js'
import * as rules from './rules.js'
import type { CacheKind } from '../domain/cache.js'
import type { CloudName } from '../domain/cloud.js'
import { MODE_NAMES, MODES } from '../domain/mode.js'
import type { Auth, AuthMethod, RunConfig, Mode } from './types.js'

/**
 * Reads and validates every input before any request to Azure. All problems are gathered so that a user
 * fixes them in one round, and each names the input, what is wrong and how to fix it.
 */
export function readInputs(get: Getter = name => core.getInput(name)): RunConfig {
  const input = new InputReader(get)
  const { problems } = input
  const text = input.text
  const required = input.required
  const matching = input.matching
  const oneOf = input.oneOf
  const boolean = input.boolean
  const httpsUrl = input.httpsUrl

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
  const method: AuthMethod = authChoice === 'auto' ? (clientId ? 'oidc' : 'azure-cli') : authChoice
  if (method === 'oidc') {
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
  matching('resource-group', resourceGroup, rules.RESOURCE_GROUP, `use ${rules.RESOURCE_GROUP_RULE}`)
  const targets = readTargets(
    { apps: get('container-app'), jobs: get('container-app-job') },
    { subscriptionId, resourceGroup },
    problems,
    matching
  )
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
  if (cacheId) checkResourceIdGroup('redis-name', cacheId[2], problems)
  const redisResourceGroup = cacheId ? cacheId[2] : text('redis-resource-group') || resourceGroup
  matching(
    'redis-resource-group',
    text('redis-resource-group'),
    rules.RESOURCE_GROUP,
    `use ${rules.RESOURCE_GROUP_RULE}`
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

  const mode = oneOf<Mode>('mode', MODE_NAMES)
  const wait = boolean('wait')
  const timeoutText = text('timeout-minutes')
  const timeoutExplicit = timeoutText !== ''
  const timeoutMinutes = timeoutExplicit ? Number(timeoutText) : DEFAULT_TIMEOUT_MINUTES
  if (
    timeoutExplicit &&
    (!/^\d+(\.\d+)?$/.test(timeoutText) || !(timeoutMinutes >= 0.1 && timeoutMinutes <= 360))
  ) {
    problems.push(
      `Input "timeout-minutes" is ${quote(timeoutText)}; use a number of minutes from 0.1 to 360.`
    )
  }
  const probeRedis = boolean('probe-redis')
  const removeIdentity = boolean('remove-identity')
  const deleteSharedAssignment = boolean('delete-shared-assignment')
  const enableEntraAuth = boolean('enable-entra-auth')
  const disableAccessKeys = boolean('disable-access-keys')
  if (removeIdentity && !MODES[mode].ownInputs.includes('remove-identity'))
    problems.push(
      'Input "remove-identity" only applies to mode: disconnect; remove it, or set mode: disconnect.'
    )
  if (deleteSharedAssignment && !MODES[mode].ownInputs.includes('delete-shared-assignment'))
    problems.push(
      'Input "delete-shared-assignment" only applies to mode: disconnect; remove it, or set mode: disconnect.'
    )
  if (disableAccessKeys && !MODES[mode].ownInputs.includes('disable-access-keys'))
    problems.push(
      'Input "disable-access-keys" only applies to mode: apply (it runs after every check passed); remove it for this mode.'
    )
  const healthUrl = httpsUrl('health-url', { allowHttp: true })
  if (healthUrl && targets.length && targets.every(t => !WORKLOADS[t.kind].servesHttp))
    problems.push(
      'Input "health-url" does not apply to Container Apps jobs: a job serves no HTTP, and its next execution runs the template this action checks. Remove health-url, or use it with a container app.'
    )
  const resourceManagerEndpoint = httpsUrl('resource-manager-endpoint', { allowHttp: false })
  const authorityHost = httpsUrl('authority-host', { allowHttp: false })

  // client-id and audience are checked in either mode, but only OIDC uses them. OIDC without both ids is a
  // problem recorded above.
  const auth: Auth | undefined =
    method === 'azure-cli'
      ? { method, tenantId }
      : tenantId && clientId
        ? { method, tenantId, clientId, audience }
        : undefined
  if (problems.length || !auth) throw new InputError(problems)
  return {
    subscriptionId,
    auth,
    environment,
    resourceManagerEndpoint,
    authorityHost,
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
    timeoutExplicit,
    probeRedis,
    removeIdentity,
    deleteSharedAssignment,
    enableEntraAuth,
    disableAccessKeys,
    healthUrl
  }
}
