export type Mode = 'apply' | 'plan' | 'verify'
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
  containerApp: string
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
  healthUrl?: string
}
