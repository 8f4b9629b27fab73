// The sandbox: a local Azure (Entra ID, ARM with Container Apps / Managed Identity / Cache for Redis, GitHub
// OIDC, a real Redis data plane and per-app ingress stand-ins) for tests that run the action as a child process.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assignmentView, effectivePermissions, seedAssignment } from './arm/access-policies.ts'
import { revealSecretValues } from './arm/app-secrets.ts'
import { createArmRoutes } from './arm/arm.ts'
import { appView, patchContainerAppNow, seedContainerApp } from './arm/container-apps.ts'
import { armErrorBody } from './arm/errors.ts'
import { seedUserAssignedIdentity } from './arm/identities.ts'
import { createOperations } from './arm/operations.ts'
import { jobView, seedJob } from './arm/jobs.ts'
import { lockId } from './arm/locks.ts'
import {
  databaseReady,
  databaseView,
  managedRedisAssignmentView,
  managedRedisPermissions,
  managedRedisView,
  seedManagedRedis,
  seedManagedRedisAssignment
} from './arm/managed-redis.ts'
import type { ManagedRedisContext, ManagedRedisSeed } from './arm/managed-redis.ts'
import { cacheView, seedCache } from './arm/redis.ts'
import type { RedisContext } from './arm/redis.ts'
import { defaultRunningStateDetails, revisionView, runtimeView } from './arm/revisions.ts'
import { startDataPlane } from './data-plane.ts'
import type { ClusterEndpoint, DataPlane } from './data-plane.ts'
import { createEntra } from './entra.ts'
import type { CloudName, TokenIssued } from './entra.ts'
import { createFaults } from './faults.ts'
import { createHooks } from './hooks.ts'
import type { Hooks } from './hooks.ts'
import { startSilentRedis } from './silent-redis.ts'
import type { SilentRedis } from './silent-redis.ts'
import type { Faults, LatencyProfile } from './faults.ts'
import { createGitHubIssuer, GITHUB_ISSUER, gitHubOidcRoutes } from './github-oidc.ts'
import type { GitHubClaims } from './github-oidc.ts'
import { startHttpsService } from './http.ts'
import type { HttpsService, RequestLogEntry } from './http.ts'
import { createIdentityEndpoint } from './identity-endpoint.ts'
import { startIngress } from './ingress.ts'
import type { Ingress } from './ingress.ts'
import { addPrincipal, createState, findPrincipal, resourceKey } from './state.ts'
import type {
  ContainerAppState,
  CacheState,
  FederatedCredential,
  JobState,
  ManagedRedisDatabaseState,
  ManagedRedisState,
  RevisionEnd,
  RoleAssignment,
  UnknownPrincipalAnswer
} from './state.ts'
import { createTestPki } from './tls.ts'
import type {
  AssignmentView,
  CacheView,
  Container,
  ContainerAppView,
  DatabaseView,
  EnvVar,
  Ingress as IngressSettings,
  JobView,
  JsonObject,
  ManagedRedisAssignmentView,
  ManagedRedisView,
  RevisionView,
  Scale
} from './arm/wire.ts'

export type { Faults, LatencyProfile } from './faults.ts'
export type { Hook, HookSpec } from './hooks.ts'
export type { RequestLogEntry } from './http.ts'
export type { FederatedCredential, RoleAssignment, UnknownPrincipalAnswer } from './state.ts'
export type { TokenIssued } from './entra.ts'
export type { ManagedRedisSeed } from './arm/managed-redis.ts'
export type {
  AssignmentView,
  CacheView,
  ContainerAppView,
  DatabaseView,
  JobView,
  ManagedRedisAssignmentView,
  ManagedRedisView,
  RevisionView
} from './arm/wire.ts'

export interface SandboxOptions {
  /** working dir for certs/redis; default a fresh temp dir (removed on stop) */
  dir?: string
  /** start redis-server (default true) */
  dataPlane?: boolean
  /** default all 0 */
  latency?: Partial<LatencyProfile>
  /** the cloud to play (default azurecloud): its ARM token audience */
  cloud?: CloudName
}

export interface EnvSeed extends EnvVar {
  name: string
  value?: string
  secretRef?: string
}

/** A container as ARM writes it; any other property (imageType, probes, a field of a later api-version) is kept. */
export interface ContainerSeed extends Container {
  name: string
  image?: string
  env?: EnvSeed[]
  /** `ContainerImage` or `CloudBuild` (BaseContainer.imageType, api-versions from 2024-08-02-preview) */
  imageType?: string
}

export interface ContainerAppSeed {
  containers?: ContainerSeed[]
  initContainers?: ContainerSeed[]
  secrets?: { name: string; value?: string; keyVaultUrl?: string; identity?: string }[]
  registries?: { server: string; username?: string; passwordSecretRef?: string; identity?: string }[]
  ingress?: IngressSettings
  scale?: Scale
  activeRevisionsMode?: 'Single' | 'Multiple'
  identity?: { type: string; userAssignedIdentities?: Record<string, object> }
  tags?: Record<string, string>
}

/** A Container Apps job: an app's seed without ingress, revision mode or scale, plus the trigger type. */
export interface ContainerAppJobSeed {
  containers?: ContainerSeed[]
  initContainers?: ContainerSeed[]
  secrets?: { name: string; value?: string; keyVaultUrl?: string; identity?: string }[]
  registries?: { server: string; username?: string; passwordSecretRef?: string; identity?: string }[]
  identity?: { type: string; userAssignedIdentities?: Record<string, object> }
  tags?: Record<string, string>
  /** default 'Manual' */
  triggerType?: 'Manual' | 'Schedule' | 'Event'
}

export interface Sandbox {
  tenantId: string
  subscriptionId: string
  /** https://localhost:PORT (no trailing slash) */
  armEndpoint: string
  /** https://localhost:PORT (Entra) */
  authorityHost: string
  oidc: { requestUrl: string; requestToken: string; issuer: string }
  /** NODE_EXTRA_CA_CERTS for the action */
  caCertPath: string
  /** PEM of the sandbox CA, for in-process clients (`tlsOptions: { ca }`) */
  caCert: string
  /** dir holding the fake `az`; prepend to PATH for auth: azure-cli */
  azCliDir: string
  /** env for a child process running the action against this sandbox */
  actionEnv(): Record<string, string>
  endpointInputs(): { 'resource-manager-endpoint': string; 'authority-host': string }

  addWorkflowIdentity(o?: {
    clientId?: string
    federatedCredentials?: FederatedCredential[]
    roles?: RoleAssignment[]
  }): { clientId: string; objectId: string }
  setGitHubClaims(c: Partial<GitHubClaims>): void
  setAzCliLogin(objectIdOrClientId: string | undefined): void
  addUserAssignedIdentity(rg: string, name: string): { id: string; principalId: string; clientId: string }

  addContainerApp(rg: string, name: string, spec?: ContainerAppSeed): string
  addRedisCache(
    rg: string,
    name: string,
    o?: { aadEnabled?: boolean; customPolicies?: Record<string, string>; tags?: Record<string, string> }
  ): string
  addAssignment(
    rg: string,
    cache: string,
    name: string,
    p: { objectId: string; accessPolicyName: string; objectIdAlias?: string }
  ): Promise<void>
  /** a Container Apps job (Microsoft.App/jobs); returns its resource id */
  addContainerAppJob(rg: string, name: string, spec?: ContainerAppJobSeed): string
  /** an Azure Managed Redis cluster (Microsoft.Cache/redisEnterprise) with one database; returns the cluster id */
  addManagedRedis(rg: string, name: string, o?: ManagedRedisSeed): string
  /** An existing Succeeded assignment (policy 'default'; any name); resolves once the data plane user exists. */
  addManagedRedisAssignment(
    rg: string,
    name: string,
    assignmentName: string,
    p: { objectId: string; database?: string }
  ): Promise<void>

  /** Later revisions of this app fail to provision, and the write that makes one fails with it. */
  failRevisions(rg: string, app: string, how?: { reason?: string }): void
  /** Later revisions of this app end in this running state instead of becoming ready, while the write that makes
   *  one succeeds (details default to what Azure shows for that state). */
  endRevisions(
    rg: string,
    app: string,
    end: { runningState: RevisionEnd['runningState']; details?: string }
  ): void
  setCacheBusy(rg: string, cache: string, ms: number): void
  /** Principals created less than `ms` ago (a system identity enabled by this run, or seeded moments ago as an
   * earlier workflow step would) are unknown to the Redis RP, which answers `answer` (default PrincipalNotFound). */
  setPrincipalReplicationDelay(ms: number, o?: { answer?: UnknownPrincipalAnswer }): void
  /** A management lock on a resource group: ReadOnly refuses writes (409 ScopeLocked), CanNotDelete deletes. */
  addLock(rg: string, name: string, level: 'ReadOnly' | 'CanNotDelete', o?: { notes?: string }): string
  removeLock(rg: string, name: string): void
  /** From now on the classic caches' endpoint (hostName, sslPort) is a Redis that completes TLS and never answers. */
  silenceDataPlane(): Promise<{ host: string; port: number; accepted(): number }>
  faults: Faults
  /** Runs `action` right after the sandbox has answered a matching request (see sandbox/hooks.ts). */
  onRequest: Hooks['onRequest']
  /** Another client's PATCH of the app, done at once: a JSON merge patch of tags and properties, ARM's identity
   *  rule, a new revision when the template changes (as another pipeline's deploy would make). */
  updateContainerApp(rg: string, name: string, patch: JsonObject): void
  setLatency(p: Partial<LatencyProfile>): void

  requestLog: RequestLogEntry[]
  clearLog(): void
  /** ARM JSON of the app WITH secret values */
  getContainerApp(rg: string, name: string): ContainerAppView
  listRevisions(rg: string, app: string): RevisionView[]
  listAssignments(rg: string, cache: string): AssignmentView[]
  getCache(rg: string, name: string): CacheView
  /** ARM JSON of the job WITH secret values */
  getContainerAppJob(rg: string, name: string): JobView
  /** ARM JSON of the cluster, plus (sandbox only) `databases`: the ARM JSON of its databases */
  getManagedRedis(rg: string, name: string): ManagedRedisView & { databases: DatabaseView[] }
  /** ARM JSON of a database's assignments (database default 'default') */
  listManagedRedisAssignments(rg: string, name: string, database?: string): ManagedRedisAssignmentView[]
  tokensIssued: TokenIssued[]
  /** GitHub OIDC tokens minted: the audience each was asked for */
  idTokensIssued: { audience: string; sub: string }[]
  healthUrl(rg: string, app: string): string
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER as Container Apps sets them in the app's containers: a process started
   *  with them (DefaultAzureCredential / ManagedIdentityCredential) gets the app's managed identity tokens. */
  managedIdentityEnv(rg: string, app: string): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string }
  /** the one redis-server: classic caches, EnterpriseCluster and NoCluster Managed Redis databases */
  dataPlane?: { host: string; port: number }
  /** The Redis Cluster serving OSSCluster Managed Redis databases (3 primaries): started by the first OSSCluster
   *  seed or call, stopped with the sandbox. Throws without a data plane. */
  ossCluster(): Promise<ClusterEndpoint>
  stop(): Promise<void>
}

const AZ_CLI_DIR = fileURLToPath(new URL('./bin/', import.meta.url))

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownDir = options.dir === undefined
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'azure-sandbox-')))
  const pki = await createTestPki(join(dir, 'pki'))
  const state = createState()
  if (options.cloud) state.cloud = options.cloud
  Object.assign(state.latency, options.latency)
  const log: RequestLogEntry[] = []
  let seq = 0
  const faults = createFaults()
  const hooks = createHooks()
  const github = createGitHubIssuer()
  const azCliKey = randomBytes(16).toString('hex')
  let azCliLogin: string | undefined

  const dataPlane: DataPlane | undefined =
    options.dataPlane === false ? undefined : await startDataPlane({ dir: join(dir, 'redis'), pki })
  const cleanups: (() => Promise<void>)[] = []
  if (dataPlane) cleanups.push(() => dataPlane.stop())
  let silentRedis: SilentRedis | undefined

  try {
    const entra = createEntra({
      state,
      github,
      azCliKey,
      azCliLogin: () => (azCliLogin ? findPrincipal(state, azCliLogin) : undefined),
      onRedisToken: async (oid, token, expiresAt) => {
        await dataPlane?.addToken(oid, token, expiresAt)
      }
    })
    const ops = createOperations(state.subscriptionId)
    cleanups.push(async () => ops.stop())
    const syncUser = async (objectId: string): Promise<void> => {
      await dataPlane?.setUser(
        objectId,
        effectivePermissions(state, objectId) ?? managedRedisPermissions(state, objectId)
      )
    }
    const redisContext: RedisContext & { syncUser(objectId: string): Promise<void> } = {
      state,
      ops,
      endpoint: cache =>
        silentRedis
          ? { hostName: silentRedis.host, sslPort: silentRedis.port }
          : dataPlane
            ? { hostName: dataPlane.host, sslPort: dataPlane.port }
            : { hostName: `${cache.name}.redis.cache.windows.net`, sslPort: 6380 },
      syncDataPlane: async cache => {
        for (const a of [...cache.assignments.values()]) await syncUser(a.objectId)
      },
      syncUser
    }

    const managedRedisContext: ManagedRedisContext = {
      state,
      ops,
      dataPlane: dataPlane
        ? {
            host: dataPlane.host,
            port: dataPlane.port,
            ossCluster: () => dataPlane.ossCluster(),
            ossClusterStarted: () => dataPlane.ossClusterStarted()
          }
        : undefined,
      syncUser
    }

    const common = { pki, log, nextSeq: () => ++seq, faults, hooks }
    const start = async (o: Parameters<typeof startHttpsService>[0]): Promise<HttpsService> => {
      const service = await startHttpsService(o)
      cleanups.push(() => service.stop())
      return service
    }
    const arm = await start({
      ...common,
      name: 'arm',
      latencyMs: () => state.latency.armRequestMs,
      errorBody: (_status, code, message) => armErrorBody(code, message)
    })
    arm.routes.push(...createArmRoutes(state, entra, ops, redisContext, managedRedisContext))
    const login = await start({
      ...common,
      name: 'entra',
      errorBody: (_status, code, message) => ({ error: code, error_description: message, error_codes: [] })
    })
    login.routes.push(...entra.routes)
    const oidcService = await start({
      ...common,
      name: 'oidc',
      errorBody: (_status, _code, message) => ({ message })
    })
    oidcService.routes.push(...gitHubOidcRoutes(github))

    const findApp = (rg: string, name: string): ContainerAppState => {
      const app = state.apps.get(resourceKey(rg, name))
      if (!app) throw new Error(`sandbox: no container app ${rg}/${name}`)
      return app
    }
    const findCache = (rg: string, name: string): CacheState => {
      const cache = state.caches.get(resourceKey(rg, name))
      if (!cache) throw new Error(`sandbox: no cache ${rg}/${name}`)
      return cache
    }
    const findJob = (rg: string, name: string): JobState => {
      const job = state.jobs.get(resourceKey(rg, name))
      if (!job) throw new Error(`sandbox: no container apps job ${rg}/${name}`)
      return job
    }
    const findManagedRedis = (rg: string, name: string): ManagedRedisState => {
      const cluster = state.managedRedis.get(resourceKey(rg, name))
      if (!cluster) throw new Error(`sandbox: no managed redis ${rg}/${name}`)
      return cluster
    }
    const findDatabase = (cluster: ManagedRedisState, database = 'default'): ManagedRedisDatabaseState => {
      const db = cluster.databases.get(database.toLowerCase())
      if (!db)
        throw new Error(`sandbox: no database ${database} in managed redis ${cluster.rg}/${cluster.name}`)
      return db
    }
    const mintManagedIdentityToken = async (principalId: string, scope: string): Promise<string> => {
      const p = state.principals.get(principalId.toLowerCase())
      if (!p || p.kind === 'application') throw new Error(`sandbox: ${principalId} is not a managed identity`)
      const fullScope = scope.endsWith('/.default') ? scope : `${scope.replace(/\/$/, '')}/.default`
      return (await entra.issueAccessToken(p, fullScope, 'managed_identity')).token
    }
    const identityEndpoint = createIdentityEndpoint({
      identitiesOf: (rg, name) => {
        const app = state.apps.get(resourceKey(rg, name))
        return app ? runtimeView(state, app) : undefined
      },
      issue: async (principalId, resource) => {
        const p = state.principals.get(principalId.toLowerCase())
        if (!p || p.kind === 'application')
          throw new Error(`sandbox: ${principalId} is not a managed identity`)
        return entra.issueAccessToken(
          p,
          `${resource.replace(/\/(\.default)?$/, '')}/.default`,
          'managed_identity'
        )
      }
    })
    login.routes.push(...identityEndpoint.routes)
    const ingress: Ingress = await startIngress({
      pki,
      describeApp: (rg, name) => {
        const app = state.apps.get(resourceKey(rg, name))
        return app ? runtimeView(state, app) : undefined
      },
      mintManagedIdentityToken,
      isOssCluster: (host, port) => {
        const cluster = dataPlane?.ossClusterStarted()
        return (
          cluster !== undefined && [cluster, ...cluster.nodes].some(n => n.host === host && n.port === port)
        )
      }
    })
    cleanups.push(() => ingress.stop())

    const requestUrl = `${oidcService.origin}/_apis/pipelines/idtoken?api-version=2.0`
    const sandbox: Sandbox = {
      tenantId: state.tenantId,
      subscriptionId: state.subscriptionId,
      armEndpoint: arm.origin,
      authorityHost: login.origin,
      oidc: { requestUrl, requestToken: github.requestToken, issuer: GITHUB_ISSUER },
      caCertPath: pki.caCertPath,
      caCert: pki.caCert,
      azCliDir: AZ_CLI_DIR,
      actionEnv: () => ({
        NODE_EXTRA_CA_CERTS: pki.caCertPath,
        PATH: `${AZ_CLI_DIR}${delimiter}${process.env.PATH ?? ''}`,
        // The OIDC request variables are not here: a job gets them only with id-token: write (see `oidc`).
        AZURE_SANDBOX_AZ_TOKEN_URL: `${login.origin}/sandbox/az/${azCliKey}/token`
      }),
      endpointInputs: () => ({ 'resource-manager-endpoint': arm.origin, 'authority-host': login.origin }),

      addWorkflowIdentity: (o = {}) => {
        const p = addPrincipal(state, {
          kind: 'application',
          displayName: 'github-workflow',
          clientId: o.clientId,
          federatedCredentials: o.federatedCredentials ?? [
            { issuer: GITHUB_ISSUER, subject: github.claims.sub, audiences: ['api://AzureADTokenExchange'] }
          ],
          roles: o.roles ?? [{ role: 'Contributor', scope: `/subscriptions/${state.subscriptionId}` }],
          // seeded principals exist "since long ago", so replication delays only affect principals made later
          createdAt: 0
        })
        return { clientId: p.clientId, objectId: p.objectId }
      },
      setGitHubClaims: c => github.setClaims(c),
      setAzCliLogin: id => {
        azCliLogin = id
      },
      addUserAssignedIdentity: (rg, name) => {
        const i = seedUserAssignedIdentity(state, rg, name)
        return { id: i.id, principalId: i.principalId, clientId: i.clientId }
      },

      addContainerApp: (rg, name, spec) => seedContainerApp(state, rg, name, spec).id,
      addRedisCache: (rg, name, o) => seedCache(state, rg, name, o).id,
      addAssignment: async (rg, cacheName, name, p) => {
        seedAssignment(findCache(rg, cacheName), name, p)
        await syncUser(p.objectId)
      },
      addContainerAppJob: (rg, name, spec) => seedJob(state, rg, name, spec).id,
      addManagedRedis: (rg, name, o) => {
        const cluster = seedManagedRedis(state, rg, name, o)
        // Started now, in the background: the cluster takes a second or two to form, and the database GET waits.
        if (dataPlane && [...cluster.databases.values()].some(db => db.clusteringPolicy === 'OSSCluster'))
          dataPlane.ossCluster().catch(() => undefined)
        return cluster.id
      },
      addManagedRedisAssignment: async (rg, name, assignmentName, p) => {
        const db = findDatabase(findManagedRedis(rg, name), p.database)
        seedManagedRedisAssignment(db, assignmentName, p.objectId)
        await databaseReady(managedRedisContext, db)
        await syncUser(p.objectId)
      },

      failRevisions: (rg, name, how = {}) => {
        const app = findApp(rg, name)
        const container = app.properties.template?.containers?.[0]?.name ?? name
        app.failRevisions = {
          reason:
            how.reason ??
            `Container '${container}' was terminated with exit code '1' and reason 'ProcessExited'. The revision failed to provision.`
        }
      },
      endRevisions: (rg, name, end) => {
        const app = findApp(rg, name)
        const container = app.properties.template?.containers?.[0]?.name ?? name
        app.endRevisions = {
          runningState: end.runningState,
          details: end.details ?? defaultRunningStateDetails(end.runningState, container)
        }
      },
      setCacheBusy: (rg, name, ms) => {
        const managed = state.caches.has(resourceKey(rg, name))
          ? undefined
          : state.managedRedis.get(resourceKey(rg, name))
        ;(managed ?? findCache(rg, name)).busyUntil = Date.now() + ms
      },
      setPrincipalReplicationDelay: (ms, o = {}) => {
        state.replicationDelayMs = ms
        state.unknownPrincipalAnswer = o.answer ?? 'PrincipalNotFound'
      },
      addLock: (rg, name, level, o = {}) => {
        state.resourceGroups.add(rg.toLowerCase())
        const locks = (state.locks.get(rg.toLowerCase()) ?? []).filter(l => l.name !== name)
        state.locks.set(rg.toLowerCase(), [...locks, { name, level, notes: o.notes }])
        return lockId(state, rg, name)
      },
      removeLock: (rg, name) => {
        const locks = state.locks.get(rg.toLowerCase()) ?? []
        state.locks.set(
          rg.toLowerCase(),
          locks.filter(l => l.name !== name)
        )
      },
      silenceDataPlane: async () => {
        if (!silentRedis) {
          const started = await startSilentRedis(pki)
          cleanups.push(() => started.stop())
          silentRedis = started
        }
        const silent = silentRedis
        return { host: silent.host, port: silent.port, accepted: () => silent.accepted }
      },
      faults,
      onRequest: (match, action) => hooks.onRequest(match, action),
      updateContainerApp: (rg, name, patch) => patchContainerAppNow(state, findApp(rg, name), patch),
      setLatency: p => {
        Object.assign(state.latency, p)
      },

      requestLog: log,
      clearLog: () => {
        log.length = 0
      },
      getContainerApp: (rg, name) => {
        const app = findApp(rg, name)
        return revealSecretValues(appView(state, app), app.properties)
      },
      listRevisions: (rg, name) => {
        const app = findApp(rg, name)
        return app.revisions.map(r => revisionView(state, app, r))
      },
      listAssignments: (rg, name) => {
        const cache = findCache(rg, name)
        return [...cache.assignments.values()].map(a => assignmentView(cache, a))
      },
      getCache: (rg, name) => cacheView(redisContext, findCache(rg, name)),
      getContainerAppJob: (rg, name) => {
        const job = findJob(rg, name)
        return revealSecretValues(jobView(state, job), job.properties)
      },
      getManagedRedis: (rg, name) => {
        const cluster = findManagedRedis(rg, name)
        return {
          ...managedRedisView(managedRedisContext, cluster),
          databases: [...cluster.databases.values()].map(db => databaseView(managedRedisContext, cluster, db))
        }
      },
      listManagedRedisAssignments: (rg, name, database) => {
        const cluster = findManagedRedis(rg, name)
        const db = findDatabase(cluster, database)
        return [...db.assignments.values()].map(a => managedRedisAssignmentView(cluster, db, a))
      },
      tokensIssued: entra.tokensIssued,
      idTokensIssued: github.issued,
      managedIdentityEnv: (rg, name) => {
        findApp(rg, name)
        return identityEndpoint.envFor(login.origin, rg, name)
      },
      healthUrl: (rg, name) => {
        if (!state.apps.has(resourceKey(rg, name)) && state.jobs.has(resourceKey(rg, name))) {
          throw new Error(
            `sandbox: ${rg}/${name} is a container apps job; jobs have no ingress (no health URL)`
          )
        }
        return ingress.url(rg, name)
      },
      dataPlane: dataPlane ? { host: dataPlane.host, port: dataPlane.port } : undefined,
      ossCluster: async () => {
        if (!dataPlane) throw new Error('sandbox: no data plane (started with dataPlane: false)')
        return dataPlane.ossCluster()
      },
      stop: async () => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
        if (ownDir) await rm(dir, { recursive: true, force: true })
      }
    }
    return sandbox
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    throw err
  }
}
