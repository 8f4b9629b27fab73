import { CacheQueue } from './cache-queue.js'
import { ensureEntraAuth, turnOffAccessKeys } from './apply/cache-steps.js'
import { createClients } from './azure/clients.js'
import type { Sleep } from './azure/retry.js'
import { WriteLog } from './azure/write-log.js'
import { Cancellation, type SignalTarget } from './cancellation.js'
import { connectApp } from './connect.js'
import { resolveCloud, type Cloud } from './domain/cloud.js'
import { MODES } from './domain/mode.js'
import type { IdTokenSource } from './credential/github-oidc.js'
import { signIn } from './sign-in.js'
import { Deadline, DeadlineExceededError } from './deadline.js'
import { explainFailure } from './explain-failure.js'
import { readInputs } from './inputs/read-inputs.js'
import { readCache } from './read/read-cache.js'
import type { RunConfig } from './inputs/types.js'
import { targetId, WORKLOADS, type Target } from './domain/target.js'
import { appBlades, portalLink } from './domain/portal-links.js'
import { cacheResourceId } from './domain/cache.js'
import { publish } from './report/publish.js'
import { StepFailed } from './report/record-step.js'
import { RunReport } from './report/run-report.js'
import type { RunWideContext } from './run-context.js'
import { exitAfterStop, publishDeadline } from './stop-watch.js'

export interface RunDependencies {
  sleep?: Sleep
  fetchIdToken?: IdTokenSource
  pollIntervalMs?: number
  /** Multiplies the cadence of the long waits (default 1). */
  pace?: number
  /** Where the runner's cancellation signals arrive (default: this process). */
  signals?: SignalTarget
  /** Ends the process when a stopped run does not end in time (default: process.exit). */
  exit?: (code: number) => void
  /** When the step started, in ms since the epoch: timeout-minutes counts from it (default: this process's start). */
  startedAt?: number
}

function reportFor(config: RunConfig, target: Target, cloud: Cloud): RunReport {
  const report = new RunReport()
  report.mode = config.mode
  report.target = {
    app: target.name,
    kind: target.kind,
    resourceGroup: target.resourceGroup,
    cache: config.redisName,
    cacheResourceGroup: config.redisResourceGroup,
    subscriptionId: config.subscriptionId
  }
  report.variableNames = { ...config.variables, usesClientId: config.identity.kind === 'user' }
  report.links.app = portalLink(cloud.portal, targetId(config.subscriptionId, target))
  if (WORKLOADS[target.kind].servesHttp) Object.assign(report.links, appBlades(report.links.app))
  // A bare cache name's kind is known after the read, which sets this link again (connect.ts).
  report.links.cache = portalLink(
    cloud.portal,
    cacheResourceId(
      {
        subscriptionId: config.subscriptionId,
        resourceGroup: config.redisResourceGroup,
        name: config.redisName
      },
      config.redisKind
    )
  )
  if (config.identity.kind === 'user')
    report.links.identity = portalLink(cloud.portal, config.identity.resourceId)
  return report
}

/**
 * The action: inputs → sign-in → for each app or job (in parallel) read → plan → apply → verify → report.
 * Outputs and the summary are published in every case — a timeout and the runner's cancellation included — and
 * the step fails when any app is not connected: the exit code is 1 then, else 0.
 */
export async function run(deps: RunDependencies = {}): Promise<number> {
  const reports = await connectAndPublish(deps)
  return reports.some(r => !r.succeeded) ? 1 : 0
}

async function connectAndPublish(deps: RunDependencies): Promise<RunReport[]> {
  const cancellation = new Cancellation(deps.signals)
  let reports: RunReport[] = [new RunReport()]
  const writes = new WriteLog()
  try {
    let config: RunConfig
    try {
      config = readInputs()
    } catch (error) {
      const e = explainFailure(error, 'read the inputs', {})
      reports[0].fail(e.title, e.message, e.fix)
      return reports
    }
    const deadline = new Deadline(config.timeoutMinutes * 60_000, Date.now, {
      cancellation,
      startedAt: deps.startedAt ?? performance.timeOrigin
    })
    exitAfterStop(deadline, cancellation, deps.exit)
    const cloud = resolveCloud(config.environment, {
      resourceManagerEndpoint: config.resourceManagerEndpoint,
      authorityHost: config.authorityHost,
      audience: config.auth.method === 'oidc' ? config.auth.audience : undefined
    })
    reports = config.targets.map(target => reportFor(config, target, cloud))
    // Steps that concern the whole run (sign-in, the cache's settings) are recorded once and shown in every app's report.
    const shared = new RunReport()
    const finished = new Set<RunReport>()
    const publishBy = publishDeadline(deadline, cancellation)
    const done = await Promise.race([
      connectAll({ config, cloud, deadline, deps, reports, shared, finished, writes }).then(() => true),
      publishBy.reached.then(() => false)
    ])
    publishBy.clear()
    for (const report of reports) report.absorb(shared)
    if (!done) recordUnfinished(deadline, reports, finished)
  } catch (error) {
    reports[0].fail(
      'Unexpected error',
      (error as Error)?.message ?? String(error),
      'Rerun with debug logging on (re-run jobs > enable debug logging) and report the log if it persists.'
    )
  } finally {
    await publish(reports, writes.entries)
    cancellation.dispose()
  }
  return reports
}

interface RunScope {
  config: RunConfig
  cloud: Cloud
  deadline: Deadline
  deps: RunDependencies
  reports: RunReport[]
  shared: RunReport
  /** The reports whose app is done (connected or failed), for a stop that comes before the rest are. */
  finished: Set<RunReport>
  /** Every write the run makes, for the summary. */
  writes: WriteLog
}

/** Signs in, then connects every app; records every failure in the reports, so it never rejects. */
async function connectAll({
  config,
  cloud,
  deadline,
  deps,
  reports,
  shared,
  finished,
  writes
}: RunScope): Promise<void> {
  try {
    const sleep = deps.sleep ?? ((ms: number) => deadline.sleep(ms))
    const credential = await signIn(shared, config, cloud, deadline, {
      sleep,
      fetchIdToken: deps.fetchIdToken
    })
    const base: RunWideContext = {
      config,
      cloud,
      clients: createClients(credential.credential, config.subscriptionId, cloud, [writes.policy()]),
      credential: credential.credential,
      deadline,
      sleep,
      pollIntervalMs: deps.pollIntervalMs ?? 1000,
      pace: deps.pace ?? 1,
      cacheQueue: new CacheQueue()
    }
    const read = readCache(base.clients, config, deadline.signal)
    // Every app awaits it; this keeps a failure from being reported as unhandled before they do.
    read.catch(() => undefined)
    // Entra goes on before any app is connected; a cache that cannot be read fails in each app's report.
    const readable =
      config.enableEntraAuth && MODES[config.mode].entraAuth === 'turn-on'
        ? await read.catch(() => undefined)
        : undefined
    const cache = readable ? Promise.resolve(await ensureEntraAuth(base, shared, readable)) : read
    await Promise.all(
      config.targets.map((target, i) =>
        connectApp({ ...base, target, cache }, reports[i]).finally(() => finished.add(reports[i]))
      )
    )
    if (config.disableAccessKeys && reports.every(r => r.verified))
      await turnOffAccessKeys(
        base,
        shared,
        await cache,
        config.targets.map((target, i) => ({ target, revision: reports[i].outputs.revision }))
      )
  } catch (error) {
    if (!(error instanceof StepFailed)) {
      const e = explainFailure(error, 'connect the app', { cloud, deadline })
      shared.fail(e.title, e.message, e.fix)
    }
  }
}

/**
 * The work did not unwind in time after the stop: what had not finished fails with what it was waiting for, so
 * the published report is the truth about the run so far.
 */
function recordUnfinished(deadline: Deadline, reports: RunReport[], finished: Set<RunReport>): void {
  const waits = deadline.pendingWaits()
  const waitingFor = waits.length
    ? waits.join('; ')
    : 'an Azure request that did not end when the run stopped'
  const e = explainFailure(new DeadlineExceededError(waitingFor, 'no answer'), 'finish the run', { deadline })
  const unfinished = reports.filter(r => !finished.has(r))
  // Every app was done: what was still running concerned the whole run (the cache's access keys).
  for (const report of unfinished.length ? unfinished : reports) report.fail(e.title, e.message, e.fix)
}
