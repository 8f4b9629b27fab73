// The api-versions each cloud's Resource Manager serves per resource type, and ARM's answer to any other:
// 400 NoRegisteredProviderFound. Sources per list in SPEC.md ("api-versions per cloud"); where no list of a
// sovereign cloud was found, it is the harsher guess (it ends earlier than the public one).
import type { CloudName } from '../entra.ts'
import { armError } from './errors.ts'
import type { HttpError } from '../http.ts'

type PerCloud<T> = Record<CloudName, T>

/** Versions a cloud serves, oldest first; `upTo` cuts a public list where a sovereign cloud is guessed to end. */
const upTo = (list: readonly string[], last: string): string[] => list.slice(0, list.indexOf(last) + 1)

/** Microsoft.App, the real `api-supported-versions` header of a containerApps GET, April 2026 (azd recording). */
const APP_PUBLIC = [
  '2022-03-01',
  '2022-06-01-preview',
  '2022-10-01',
  '2022-11-01-preview',
  '2023-04-01-preview',
  '2023-05-01',
  '2023-05-02-preview',
  '2023-08-01-preview',
  '2023-11-02-preview',
  '2024-02-02-preview',
  '2024-03-01',
  '2024-08-02-preview',
  '2024-10-02-preview',
  '2025-01-01',
  '2025-02-02-preview',
  '2025-07-01',
  '2025-10-02-preview',
  '2026-01-01',
  '2026-03-02-preview'
]
const APP_SOVEREIGN = upTo(APP_PUBLIC, '2024-03-01')

/** Microsoft.Cache/redis, the versions published in azure-rest-api-specs (the RP sends no supported-versions header). */
const REDIS_PUBLIC = [
  '2015-08-01',
  '2016-04-01',
  '2017-02-01',
  '2017-10-01',
  '2018-03-01',
  '2019-07-01',
  '2020-06-01',
  '2020-12-01',
  '2021-06-01',
  '2022-05-01',
  '2022-06-01',
  '2023-04-01',
  '2023-05-01-preview',
  '2023-08-01',
  '2024-03-01',
  '2024-04-01-preview',
  '2024-11-01',
  '2025-08-01-preview'
]
const REDIS_SOVEREIGN = upTo(REDIS_PUBLIC, '2024-03-01')

/** Microsoft.Cache/redisEnterprise: the real list of September 2024 (azure-cli-extensions#8033), then the specs. */
const REDIS_ENTERPRISE_PUBLIC = [
  '2020-04-01-preview',
  '2020-10-01-preview',
  '2021-02-01-preview',
  '2021-03-01',
  '2021-08-01',
  '2022-01-01',
  '2022-11-01-preview',
  '2023-03-01-preview',
  '2023-07-01',
  '2023-10-01-preview',
  '2023-11-01',
  '2024-02-01',
  '2024-03-01-preview',
  '2024-06-01-preview',
  '2024-09-01-preview',
  '2024-10-01',
  '2025-04-01',
  '2025-05-01-preview',
  '2025-07-01',
  '2025-08-01-preview'
]
const REDIS_ENTERPRISE_SOVEREIGN = upTo(REDIS_ENTERPRISE_PUBLIC, '2025-04-01')

/** Microsoft.ManagedIdentity: the specs for the public cloud; US Government's real list of 2022 (azure-cli#22661). */
const IDENTITY_PUBLIC = [
  '2015-08-31-preview',
  '2018-11-30',
  '2021-09-30-preview',
  '2022-01-31-preview',
  '2023-01-31',
  '2023-07-31-preview',
  '2024-11-30',
  '2025-01-31-preview'
]
const IDENTITY_SOVEREIGN = ['2015-08-31-preview', '2018-11-30']

const byCloud = <T>(publicCloud: T, sovereign: T): PerCloud<T> => ({
  azurecloud: publicCloud,
  azureusgovernment: sovereign,
  azurechinacloud: sovereign
})

const since = (list: readonly string[], first: string): string[] => list.slice(list.indexOf(first))

export interface ServedType {
  /** the type as ARM names it in NoRegisteredProviderFound, e.g. 'containerApps', 'Redis/accessPolicyAssignments' */
  type: string
  versions: PerCloud<readonly string[]>
}

const app = (type: string, first = APP_PUBLIC[0]): ServedType => ({
  type,
  versions: byCloud(since(APP_PUBLIC, first), since(APP_SOVEREIGN, first))
})
const redis = (type: string, first = REDIS_PUBLIC[0]): ServedType => ({
  type,
  versions: byCloud(since(REDIS_PUBLIC, first), since(REDIS_SOVEREIGN, first))
})
const redisEnterprise = (type: string, first = REDIS_ENTERPRISE_PUBLIC[0]): ServedType => ({
  type,
  versions: byCloud(since(REDIS_ENTERPRISE_PUBLIC, first), since(REDIS_ENTERPRISE_SOVEREIGN, first))
})

/** The resource type each route serves, by the prefix of its operation name (the request log's `operation`). */
const SERVED: Record<string, ServedType> = {
  containerApps: app('containerApps'),
  containerAppsRevisions: app('containerApps/revisions'),
  jobs: app('jobs', '2022-11-01-preview'),
  userAssignedIdentities: {
    type: 'userAssignedIdentities',
    versions: byCloud(IDENTITY_PUBLIC, IDENTITY_SOVEREIGN)
  },
  redis: redis('Redis'),
  accessPolicies: redis('Redis/accessPolicies', '2023-05-01-preview'),
  accessPolicyAssignments: redis('Redis/accessPolicyAssignments', '2023-05-01-preview'),
  redisEnterprise: redisEnterprise('redisEnterprise'),
  'redisEnterprise.databases': redisEnterprise('redisEnterprise/databases'),
  'redisEnterprise.accessPolicyAssignments': redisEnterprise(
    'redisEnterprise/databases/accessPolicyAssignments',
    '2024-09-01-preview'
  )
}

/** What a route serves, from its operation name ('redisEnterprise.databases.get' → 'redisEnterprise.databases');
 * undefined for routes that take any version (LRO polling URLs carry the version of the request that started them). */
export function servedType(operation: string): ServedType | undefined {
  return SERVED[operation.slice(0, operation.lastIndexOf('.'))]
}

/** The regions of each cloud, for ARM's error text. */
const LOCATIONS: PerCloud<string[]> = {
  azurecloud: ['eastus', 'westeurope'],
  azureusgovernment: ['usgovvirginia', 'usgovarizona', 'usgovtexas'],
  azurechinacloud: ['chinanorth3', 'chinaeast2']
}

/** ARM's answer to a version the cloud does not serve for the type (real text: azure-dev#3892, azure-cli#30847). */
export function checkApiVersion(
  served: ServedType,
  cloud: CloudName,
  apiVersion: string
): HttpError | undefined {
  const versions = served.versions[cloud]
  if (versions.some(v => v.toLowerCase() === apiVersion.toLowerCase())) return undefined
  const locations = LOCATIONS[cloud]
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${locations[0]}' and API version '${apiVersion}' for type '${served.type}'. The supported api-versions are '${versions.join(', ')}'. The supported locations are '${locations.join(', ')}'.`
  )
}
