// A standard Azure world in the sandbox, and a way to run the action against it: its run() in this process (the
// default, see in-process.ts), or the bundle in a process of its own as the runner runs it.
import { runAction, type LaunchOptions, type LaunchResult, type RunnerEvent } from './index.ts'
import {
  startSandbox,
  type ContainerAppView,
  type JobView,
  type Sandbox,
  type SandboxOptions
} from '../sandbox/index.ts'

export const APP_RG = 'rg-apps'
export const CACHE_RG = 'rg-data'
export const APP = 'orders-api'
export const CACHE = 'orders-cache'
/** The GitHub OIDC audience each cloud's federated credentials expect. */
export const OIDC_AUDIENCE = {
  azurecloud: 'api://AzureADTokenExchange',
  azureusgovernment: 'api://AzureADTokenExchangeUSGov',
  azurechinacloud: 'api://AzureADTokenExchangeChina'
} as const

export const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'

export interface World {
  sandbox: Sandbox
  workflow: { clientId: string; objectId: string }
  run(
    inputs?: Record<string, string>,
    options?: {
      idToken?: boolean
      env?: Record<string, string>
      measureResources?: boolean
      /** default a push to main; see pullRequestEvent in runner-env.ts */
      event?: RunnerEvent
      /** another build of the action, e.g. for the benchmark (default: this repository) */
      actionDir?: string
      /** settles when the workflow is cancelled (the launcher then signals the action as the runner does) */
      cancel?: Promise<unknown>
      /** Run dist/index.js in a process of its own, as the runner does, instead of run() in this process. A run
       *  does anyway when it needs a process (see needsProcess). */
      bundle?: boolean
      /** multiplies the cadence of the long waits (default: CONNECT_REDIS_TEST_PACE in env, else 1) */
      pace?: number
    }
  ): Promise<ActionRun>
  stop(): Promise<void>
}

export interface ActionRun extends LaunchResult {
  result: RunResultJson
  /** where the action ran: run() in this process, or the bundle in a process of its own */
  ranAs: 'in-process' | 'bundle'
}

export interface RunResultJson {
  mode: string
  succeeded: boolean
  /** the Managed Redis database's clustering policy */
  clusteringPolicy?: string
  outputs: Record<string, string | boolean>
  steps: {
    id: string
    title: string
    status: string
    detail?: string
    durationMs?: number
    before?: string
    after?: string
    error?: string
    fix?: string
  }[]
  checks: { id: string; title: string; status: string; evidence: string; fix?: string }[]
  failure?: { title: string; message: string; fix?: string }
  variables: { container: string; name: string; before?: string; after: string }[]
}

const running = new Set<World>()

/** Variables that Node reads when a process starts, or that a library reads once per process. */
const PROCESS_VARIABLES = [
  'NODE_OPTIONS',
  'NODE_USE_ENV_PROXY',
  // @azure/core-rest-pipeline reads NO_PROXY once, for its first pipeline (proxyPolicy's globalNoProxyList).
  'NO_PROXY',
  'no_proxy'
]

/** `CONNECT_REDIS_E2E=bundle npm test -- __tests__/e2e` runs every scenario through the bundle, as the runner would. */
export const EVERY_RUN_AS_BUNDLE = 'CONNECT_REDIS_E2E'
export const everyRunAsBundle = (): boolean => process.env[EVERY_RUN_AS_BUNDLE] === 'bundle'

/** Set while run() runs in this process: it has one process.env, so a second run at once runs the bundle. */
let inProcessBusy = false

/** Why a run needs a process of its own (the bundle), or undefined when run() can run in this process. */
export function needsProcess(o: {
  bundle?: boolean
  inputs: Record<string, string>
  env?: Record<string, string>
  actionDir?: string
  measureResources?: boolean
}): string | undefined {
  if (o.bundle) return 'the bundle was asked for'
  if (everyRunAsBundle()) return `${EVERY_RUN_AS_BUNDLE}=bundle`
  if (o.actionDir) return 'another build of the action runs as a bundle'
  if (o.measureResources) return "the process's resource usage is measured"
  // @azure/identity starts `az` with the environment of the real process, which the test environment does not set.
  if (o.inputs.auth === 'azure-cli') return 'the Azure CLI runs in a child process'
  const read = Object.keys(o.env ?? {}).filter(name => PROCESS_VARIABLES.includes(name))
  if (read.length) return `${read.join(', ')} is read when a process starts`
  if (inProcessBusy) return 'another run is running in this process'
  return undefined
}

/** Runs the action in this process, or the bundle when the run needs a process. */
async function launch(
  o: LaunchOptions & { bundle?: boolean; pace?: number }
): Promise<LaunchResult & { ranAs: ActionRun['ranAs'] }> {
  if (needsProcess(o)) {
    const env = o.pace === undefined ? o.env : { ...o.env, CONNECT_REDIS_TEST_PACE: String(o.pace) }
    return { ...(await runAction({ ...o, env })), ranAs: 'bundle' }
  }
  inProcessBusy = true
  try {
    // Loaded only for a run in this process: the scripts that run the bundle under plain Node never load src/.
    const { runInProcess } = await import('./in-process.ts')
    return { ...(await runInProcess(o)), ranAs: 'in-process' }
  } finally {
    inProcessBusy = false
  }
}

/** Stops every world a test started (for afterEach), even one a failing assertion left running. */
export async function stopWorlds(): Promise<void> {
  await Promise.all([...running].map(w => w.stop()))
}

export async function startWorld(
  options: SandboxOptions & {
    app?: Parameters<Sandbox['addContainerApp']>[2] | false
    /** every run runs the bundle (for the scripts, which run under plain Node and show the real action) */
    bundle?: boolean
  } = {}
): Promise<World> {
  const { bundle, ...sandboxOptions } = options
  const sandbox = await startSandbox(sandboxOptions)
  const subscription = `/subscriptions/${sandbox.subscriptionId}`
  const workflow = sandbox.addWorkflowIdentity({
    federatedCredentials: [
      {
        issuer: sandbox.oidc.issuer,
        subject: SUBJECT,
        audiences: [OIDC_AUDIENCE[options.cloud ?? 'azurecloud']]
      }
    ],
    roles: [{ role: 'Contributor', scope: subscription }]
  })
  sandbox.addRedisCache(CACHE_RG, CACHE)
  if (options.app !== false) {
    sandbox.addContainerApp(
      APP_RG,
      APP,
      options.app ?? {
        containers: [
          { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
        ]
      }
    )
  }
  const world: World = {
    sandbox,
    workflow,
    async run(inputs = {}, runOptions = {}) {
      const launched = await launch({
        bundle: bundle || runOptions.bundle,
        pace: runOptions.pace,
        inputs: {
          'subscription-id': sandbox.subscriptionId,
          'tenant-id': sandbox.tenantId,
          'client-id': workflow.clientId,
          'resource-group': APP_RG,
          'container-app': APP,
          'redis-name': CACHE,
          'redis-resource-group': CACHE_RG,
          ...sandbox.endpointInputs(),
          ...inputs
        },
        env: { ...sandbox.actionEnv(), ...runOptions.env },
        measureResources: runOptions.measureResources,
        event: runOptions.event,
        actionDir: runOptions.actionDir,
        cancel: runOptions.cancel,
        idToken:
          runOptions.idToken === false
            ? undefined
            : { requestUrl: sandbox.oidc.requestUrl, requestToken: sandbox.oidc.requestToken }
      })
      // Every run of every test is scanned: a JWT on any surface is a leak, whatever the test is about.
      const leaks = leakedTokens(launched)
      if (leaks.length) throw new Error(`a token leaked in: ${leaks.join(', ')}`)
      const result = launched.outputs.result
        ? (JSON.parse(launched.outputs.result) as RunResultJson)
        : ({} as RunResultJson)
      return { ...launched, result }
    },
    stop: async () => {
      running.delete(world)
      await sandbox.stop()
    }
  }
  running.add(world)
  return world
}

/** ARM writes in the request log (what a no-op run must not do). */
export function armWrites(sandbox: Sandbox): { method: string; path: string; operation?: string }[] {
  return sandbox.requestLog.filter(
    e =>
      e.service === 'arm' &&
      ['PUT', 'PATCH', 'DELETE', 'POST'].includes(e.method) &&
      !/listSecrets/i.test(e.path)
  )
}

export function armRequests(sandbox: Sandbox): { method: string; path: string }[] {
  return sandbox.requestLog.filter(e => e.service === 'arm')
}

export function envOf(
  app: ContainerAppView | JobView,
  container: string
): Record<string, string | undefined> {
  const c = app.properties.template.containers?.find(x => x.name === container)
  return Object.fromEntries(
    (c?.env ?? []).map(e => [e.name, e.secretRef ? `secretRef:${e.secretRef}` : (e.value ?? undefined)])
  )
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/

/** Every visible surface of a run: a JWT in any of them is a leak. */
export function leakedTokens(run: LaunchResult): string[] {
  const masked = new Set(run.masks)
  const surfaces = {
    stdout: run.stdout.replace(/::add-mask::.*$/gm, ''),
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs)
  }
  return Object.entries(surfaces)
    .filter(([, text]) => JWT.test(text))
    .map(([where]) => `${where}${masked.size ? '' : ' (nothing masked)'}`)
}
