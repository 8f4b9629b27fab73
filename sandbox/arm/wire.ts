// The wire shapes of what the sandbox keeps and answers: ARM JSON (`properties: {...}`), not the SDKs' flattened
// models. The members the sandbox reads or answers are typed; a document written by a client may carry others,
// which are kept as written (the index signatures) so that nothing of the user's configuration is lost.

/** A parsed JSON object whose other members are not known. */
export type JsonObject = Record<string, unknown>

// Microsoft.App (container apps and jobs): `properties` as clients write them. Optional members may be `null`, as a
// client that sends back what GET answered writes them.

export interface Secret extends JsonObject {
  name?: string
  value?: string | null
  keyVaultUrl?: string | null
  identity?: string | null
}

export interface EnvVar extends JsonObject {
  name?: string
  value?: string | null
  secretRef?: string | null
}

export interface Container extends JsonObject {
  name?: string
  image?: string | null
  env?: EnvVar[] | null
}

export interface Scale extends JsonObject {
  minReplicas?: number | null
  maxReplicas?: number | null
}

export interface Template extends JsonObject {
  revisionSuffix?: string | null
  containers?: Container[] | null
  initContainers?: Container[] | null
  scale?: Scale | null
  volumes?: unknown[] | null
}

export interface TrafficWeight extends JsonObject {
  revisionName?: string | null
  weight?: number | null
  latestRevision?: boolean | null
}

export interface Ingress extends JsonObject {
  /** read-only: GET answers it, a client may send it back */
  fqdn?: string | null
  traffic?: TrafficWeight[] | null
}

/** An app's or a job's configuration (a job's carries its trigger instead of ingress and revision mode). */
export interface Configuration extends JsonObject {
  secrets?: Secret[] | null
  registries?: unknown[] | null
  activeRevisionsMode?: string | null
  ingress?: Ingress | null
  identitySettings?: unknown[] | null
}

/** The properties of a container app or job as written, secret values included (the truth). */
export interface AppProperties extends JsonObject {
  managedEnvironmentId?: string | null
  environmentId?: string | null
  workloadProfileName?: string | null
  configuration?: Configuration | null
  template?: Template | null
  delegatedIdentities?: unknown[] | null
}

/** Container Apps' identity types, as it writes them (the combined one without a space). */
export type IdentityType = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned'

/** An app's or job's identity as requested, with the type normalised; each user-assigned identity maps to `{}`. */
export interface AppIdentity {
  type: IdentityType
  userAssignedIdentities?: Record<string, Record<string, never>>
}

// Microsoft.App: what GET answers.

export interface IdentityView {
  type: IdentityType
  principalId?: string
  tenantId?: string
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>
}

/** A secret as GET answers it: without its value. */
export interface SecretView extends JsonObject {
  name?: string
  keyVaultUrl?: string
  identity?: string
}

export interface ConfigurationView extends Configuration {
  secrets: Secret[] | null
  registries: unknown[] | null
  identitySettings: unknown[]
}

export interface TemplateView extends Template {
  initContainers: Container[] | null
  volumes: unknown[] | null
}

export interface SystemData {
  createdBy: string
  createdByType: string
  createdAt: string
  lastModifiedBy: string
  lastModifiedByType: string
  lastModifiedAt: string
}

interface AppViewPropertiesBase extends AppProperties {
  provisioningState: string
  workloadProfileName: string
  configuration: ConfigurationView
  template: TemplateView
  outboundIpAddresses: string[]
  eventStreamEndpoint: string
}

export interface ContainerAppViewProperties extends AppViewPropertiesBase {
  runningStatus: string
  latestRevisionName?: string
  latestReadyRevisionName?: string
  latestRevisionFqdn?: string
  customDomainVerificationId: string
}

export interface JobViewProperties extends AppViewPropertiesBase {
  runningState: string
}

interface AppViewBase<P> {
  id: string
  name: string
  type: string
  location: string
  tags: Record<string, string>
  identity: IdentityView
  systemData?: SystemData
  properties: P
}

export type ContainerAppView = AppViewBase<ContainerAppViewProperties>
export type JobView = AppViewBase<JobViewProperties>

/** A revision's state at a given time. */
export interface RevisionStatus {
  provisioningState: 'Provisioning' | 'Provisioned' | 'Failed'
  runningState?: string
  healthState: 'None' | 'Healthy' | 'Unhealthy'
  replicas: number
  provisioningError?: string
  runningStateDetails?: string
}

export interface RevisionView {
  id: string
  name: string
  type: string
  properties: RevisionStatus & {
    createdTime: string
    lastActiveTime?: string
    fqdn: string
    template: Template
    active: boolean
    trafficWeight: number
  }
}

// Microsoft.Cache/redis (Azure Cache for Redis): the writable properties as kept, and the GET.

export interface RedisSku extends JsonObject {
  name?: string
  family?: string
  capacity?: number
}

/** Redis settings are strings on the wire; `aad-enabled` is 'true' or 'false'. */
export interface RedisConfiguration extends JsonObject {
  'aad-enabled'?: string
}

export interface RedisProperties extends JsonObject {
  sku?: RedisSku
  redisConfiguration?: RedisConfiguration
}

export interface CacheView {
  id: string
  location: string
  name: string
  type: string
  tags: Record<string, string>
  properties: RedisProperties & {
    redisConfiguration: RedisConfiguration
    provisioningState: string
    hostName: string
    port: number
    sslPort: number
    accessKeys: null
    linkedServers: unknown[]
    instances: { sslPort: number; shardId: number; isMaster: boolean; isPrimary: boolean }[]
  }
}

export interface AccessPolicyView {
  id: string
  name: string
  type: string
  properties: { provisioningState: string; type: 'BuiltIn' | 'Custom'; permissions: string }
}

export interface AssignmentView {
  id: string
  name: string
  type: string
  properties: { provisioningState: string; objectId: string; objectIdAlias: string; accessPolicyName: string }
}

// Microsoft.Cache/redisEnterprise (Azure Managed Redis)

export interface ManagedRedisSku {
  name: string
  capacity?: number
}

export interface ManagedRedisView {
  id: string
  name: string
  type: string
  location: string
  tags: Record<string, string>
  kind: string
  sku: ManagedRedisSku
  identity: { type: 'None' }
  properties: {
    hostName: string
    provisioningState: string
    resourceState: string
    minimumTlsVersion: string
    highAvailability: string
    redundancyMode: string
    publicNetworkAccess: string
    privateEndpointConnections: unknown[]
  }
}

export interface DatabaseView {
  id: string
  name: string
  type: string
  properties: {
    clientProtocol: string
    port: number
    provisioningState: string
    resourceState: string
    clusteringPolicy: string
    evictionPolicy: string
    keySpaceNotification: string
    redisVersion: string
    deferUpgrade: string
    accessKeysAuthentication: string
  }
}

export interface ManagedRedisAssignmentView {
  id: string
  name: string
  type: string
  properties: { provisioningState: string; accessPolicyName: string; user: { objectId: string } }
}

// Microsoft.Authorization/locks

export interface LockView {
  id: string
  type: string
  name: string
  properties: { level: string; notes: string | null; owners: null }
}
