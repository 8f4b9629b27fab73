export type Mode = 'apply' | 'plan' | 'verify' | 'disconnect'
export type AuthMethod = 'oidc' | 'azure-cli'
export type CloudName = 'azurecloud' | 'azureusgovernment' | 'azurechinacloud'

export type IdentityChoice =
  | { kind: 'system' }
  | { kind: 'user'; resourceId: string; subscriptionId: string; resourceGroup: string; name: string }

export interface VariableNames {
  host: string
  port: string
  objectId: string
  clientId: string
}

export interface Inputs {
  subscriptionId: string
  tenantId?: string
  clientId?: string
  audience?: string
  auth: AuthMethod
  environment: CloudName
  resourceManagerEndpoint?: string
  authorityHost?: string
  resourceGroup: string
  /** The app this pipeline works on: one of containerApps. */
  containerApp: string
  /** Every app named (one per line); all share the cache and the run. */
  containerApps: string[]
  redisName: string
  redisResourceGroup: string
  accessPolicy: string
  identity: IdentityChoice
  /** undefined means every container of the app */
  containers?: string[]
  variables: VariableNames
  assignmentName?: string
  mode: Mode
  wait: boolean
  timeoutMinutes: number
  probeRedis: boolean
  removeIdentity: boolean
  enableEntraAuth: boolean
  disableAccessKeys: boolean
  healthUrl?: string
}
