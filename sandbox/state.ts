// The in-memory model of the sandbox's Azure: directory principals, resource groups and resources.
import { randomBytes, randomUUID } from 'node:crypto'
import { noLatency } from './faults.ts'
import type { LatencyProfile } from './faults.ts'
import type { CloudName } from './entra.ts'
import type { AppIdentity, AppProperties, ManagedRedisSku, RedisProperties, Template } from './arm/wire.ts'

export interface FederatedCredential {
  issuer: string
  subject: string
  audiences: string[]
}

export type RoleName =
  | 'Owner'
  | 'Contributor'
  | 'Reader'
  | 'Container Apps Contributor'
  | 'Redis Cache Contributor'
  | 'Managed Identity Operator'

export interface RoleAssignment {
  role: RoleName
  scope: string
}

export interface Principal {
  objectId: string
  clientId: string
  kind: 'application' | 'userAssigned' | 'systemAssigned'
  displayName: string
  /** ms epoch; principals younger than the replication delay are unknown to the Redis RP */
  createdAt: number
  federatedCredentials: FederatedCredential[]
  roles: RoleAssignment[]
}

export interface UserAssignedIdentityState {
  id: string
  rg: string
  name: string
  principalId: string
  clientId: string
}

/** How a revision that never becomes ready ends, while the write that made it succeeds. */
export interface RevisionEnd {
  runningState: 'Degraded' | 'ActivationFailed' | 'Failed' | 'Stopped'
  /** `runningStateDetails`, when Azure gives any */
  details?: string
}

export interface RevisionState {
  name: string
  createdAt: number
  /** the template the revision was made from, as written */
  template: Template | null | undefined
  /** ms epoch when provisioning ends */
  readyAt: number
  /** set when the revision fails to provision: the write's operation fails with it */
  failReason?: string
  /** set when the revision ends without becoming ready although the write's operation succeeded */
  end?: RevisionEnd
}

/** What container apps and jobs (Microsoft.App resources) have alike. */
export interface AppResourceState {
  id: string
  rg: string
  name: string
  tags: Record<string, string>
  identity?: AppIdentity
  systemPrincipalId?: string
  properties: AppProperties
  /** the running write, if any: other writes get 409 until it ends */
  pending?: { operationId: string }
  provisioningState: 'Succeeded' | 'InProgress' | 'Failed'
}

export interface ContainerAppState extends AppResourceState {
  revisions: RevisionState[]
  failRevisions?: { reason: string }
  endRevisions?: RevisionEnd
  pending?: { operationId: string; doneAt: number }
}

export interface AssignmentState {
  name: string
  objectId: string
  objectIdAlias: string
  accessPolicyName: string
  provisioningState: 'Updating' | 'Succeeded' | 'Deleting'
}

export interface CacheState {
  id: string
  rg: string
  name: string
  tags: Record<string, string>
  /** writable properties (sku, redisConfiguration, enableNonSslPort, ...) */
  properties: RedisProperties
  provisioningState: string
  customPolicies: Record<string, string>
  /** keyed by lower-cased assignment name */
  assignments: Map<string, AssignmentState>
  busyUntil: number
  /** operations running on the cache or its children */
  inFlight: Set<string>
}

/** A Container Apps job: like an app without revisions or ingress; its template is what the next execution runs.
 * Its properties are environmentId, configuration and template. */
export type JobState = AppResourceState

export interface ManagedRedisAssignmentState {
  name: string
  objectId: string
  accessPolicyName: string
  provisioningState: 'Updating' | 'Succeeded' | 'Deleting'
}

/** DatabaseProperties.clusteringPolicy of the 2025-07-01 spec (default OSSCluster) */
export type ClusteringPolicy = 'OSSCluster' | 'EnterpriseCluster' | 'NoCluster'

export interface ManagedRedisDatabaseState {
  name: string
  accessKeysAuthentication: 'Disabled' | 'Enabled'
  clusteringPolicy: ClusteringPolicy
  /** keyed by lower-cased assignment name */
  assignments: Map<string, ManagedRedisAssignmentState>
}

/** An Azure Managed Redis cluster (Microsoft.Cache/redisEnterprise) and its databases. */
export interface ManagedRedisState {
  id: string
  rg: string
  name: string
  tags: Record<string, string>
  sku: ManagedRedisSku
  provisioningState: string
  /** keyed by lower-cased database name */
  databases: Map<string, ManagedRedisDatabaseState>
  busyUntil: number
  /** operations running on the cluster or its children */
  inFlight: Set<string>
}

/** A management lock (Microsoft.Authorization/locks) on a resource group. */
export interface LockState {
  name: string
  level: 'ReadOnly' | 'CanNotDelete'
  notes?: string
}

/** How the Redis RP answers an assignment for a principal it does not know yet (Azure does not document it). */
export type UnknownPrincipalAnswer = 'PrincipalNotFound' | 'InvalidAccessPolicyAssignment'

export const builtInPolicies: Record<string, string> = {
  'Data Owner': '+@all allkeys',
  'Data Contributor': '+@all -@dangerous +cluster|info +cluster|nodes +cluster|slots allkeys',
  'Data Reader': '+@read +@connection +cluster|info +cluster|nodes +cluster|slots allkeys'
}

export const REGION = 'eastus'
export const REGION_DISPLAY = 'East US'

export interface SandboxState {
  /** the cloud this sandbox plays: which ARM audience its tokens must carry */
  cloud: CloudName
  tenantId: string
  subscriptionId: string
  latency: LatencyProfile
  replicationDelayMs: number
  unknownPrincipalAnswer: UnknownPrincipalAnswer
  /** management locks, keyed by lower-cased resource group name */
  locks: Map<string, LockState[]>
  resourceGroups: Set<string>
  principals: Map<string, Principal>
  identities: Map<string, UserAssignedIdentityState>
  apps: Map<string, ContainerAppState>
  caches: Map<string, CacheState>
  jobs: Map<string, JobState>
  managedRedis: Map<string, ManagedRedisState>
}

export function createState(): SandboxState {
  return {
    cloud: 'azurecloud',
    tenantId: randomUUID(),
    subscriptionId: randomUUID(),
    latency: { ...noLatency },
    replicationDelayMs: 0,
    unknownPrincipalAnswer: 'PrincipalNotFound',
    locks: new Map(),
    resourceGroups: new Set(),
    principals: new Map(),
    identities: new Map(),
    apps: new Map(),
    caches: new Map(),
    jobs: new Map(),
    managedRedis: new Map()
  }
}

/** Map key of a resource inside a resource group; ARM names are case-insensitive. */
export const resourceKey = (rg: string, name: string): string => `${rg}/${name}`.toLowerCase()

export const rgId = (s: SandboxState, rg: string): string =>
  `/subscriptions/${s.subscriptionId}/resourceGroups/${rg}`

export function addPrincipal(
  s: SandboxState,
  p: Partial<Principal> & Pick<Principal, 'kind' | 'displayName'>
): Principal {
  const principal: Principal = {
    objectId: p.objectId ?? String(randomUUID()),
    clientId: p.clientId ?? String(randomUUID()),
    createdAt: p.createdAt ?? Date.now(),
    federatedCredentials: p.federatedCredentials ?? [],
    roles: p.roles ?? [],
    kind: p.kind,
    displayName: p.displayName
  }
  s.principals.set(principal.objectId, principal)
  return principal
}

export function findPrincipal(s: SandboxState, objectIdOrClientId: string): Principal | undefined {
  const id = objectIdOrClientId.toLowerCase()
  return s.principals.get(id) ?? [...s.principals.values()].find(p => p.clientId.toLowerCase() === id)
}

export function findIdentityById(s: SandboxState, id: string): UserAssignedIdentityState | undefined {
  return s.identities.get(id.toLowerCase())
}

/** Container Apps' random revision suffix: 7 lower-case alphanumerics starting with a letter. */
export function randomRevisionSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  const bytes = randomBytes(7)
  let out = alphabet[bytes[0] % 26]
  for (let i = 1; i < 7; i++) out += alphabet[bytes[i] % alphabet.length]
  return out
}

export const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v))
