import type { CacheKind } from '../domain/cache.js'
import type { CloudName } from '../domain/cloud.js'
import type { Mode } from '../domain/mode.js'
import type { Target } from '../domain/target.js'

export type { Mode } from '../domain/mode.js'
export type AuthMethod = 'oidc' | 'azure-cli'

/** How the run signs in: OIDC needs the tenant and the client; the Azure CLI takes its session's (or the given) tenant. */
export type Auth =
  | { method: 'oidc'; tenantId: string; clientId: string; audience?: string }
  | { method: 'azure-cli'; tenantId?: string }

export type IdentityChoice =
  | { kind: 'system' }
  | { kind: 'user'; resourceId: string; subscriptionId: string; resourceGroup: string; name: string }

export interface VariableNames {
  host: string
  port: string
  objectId: string
  clientId: string
}

/** What the run was asked to do, the same for every app and job of the run. */
export interface RunConfig {
  subscriptionId: string
  auth: Auth
  environment: CloudName
  resourceManagerEndpoint?: string
  authorityHost?: string
  /** Every app and job of the run (container-app, then container-app-job), each connected in its own pipeline
   * (RunContext.target); at least one. */
  targets: Target[]
  redisName: string
  redisResourceGroup: string
  /** Known when redis-name is a resource ID; otherwise detected from the name. */
  redisKind?: CacheKind
  accessPolicy: string
  identity: IdentityChoice
  /** undefined means every container of the app */
  containers?: string[]
  variables: VariableNames
  assignmentName?: string
  mode: Mode
  wait: boolean
  timeoutMinutes: number
  /** timeout-minutes was set: the run keeps to it, and a step that needs more fails at once. When it is empty the
   * budget is DEFAULT_TIMEOUT_MINUTES (deadline.ts), grown by the time a long step (turning Entra on) needs. */
  timeoutExplicit: boolean
  probeRedis: boolean
  removeIdentity: boolean
  /** Disconnect deletes the assignment of a user-assigned identity even when other apps or jobs carry it. */
  deleteSharedAssignment: boolean
  enableEntraAuth: boolean
  disableAccessKeys: boolean
  healthUrl?: string
}
