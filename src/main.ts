import { CacheQueue } from './cache-queue.js'
import { ensureEntraAuth, turnOffAccessKeys } from './apply/cache-steps.js'
import { createClients } from './azure/clients.js'
import type { Sleep } from './azure/retry.js'
import { WriteLog } from './azure/write-log.js'
import { Cancellation, type SignalTarget } from './cancellation.js'
import { connectApp } from './connect.js'
import { resolveCloud, type Cloud } from './domain/cloud.js'
import type { IdTokenSource } from './credential/github-oidc.js'
import { signIn } from './sign-in.js'
import { Deadline, DeadlineExceededError } from './deadline.js'
import { explainFailure } from './explain-failure.js'
import { readInputs } from './inputs/read-inputs.js'
import { readCache } from './read/read-cache.js'
import type { Inputs } from './inputs/types.js'
import { targetId, type Target } from './domain/target.js'
import { appBlades, cacheResourceId, portalLink } from './domain/portal-links.js'
import { publish } from './report/publish.js'
import { StepFailed } from './report/record-step.js'
import { RunReport } from './report/run-report.js'
import type { RunContext } from './run-context.js'
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

function reportFor(inputs: Inputs, target: Target, cloud: Cloud): RunReport {
  const report = new RunReport()
  report.mode = inputs.mode
  report.target = {
    app: target.name,
    kind: target.kind,
    resourceGroup: target.resourceGroup,
    cache: inputs.redisName,
    cacheResourceGroup: inputs.redisResourceGroup,
    subscriptionId: inputs.subscriptionId
  }
  report.variableNames = { ...inputs.variables, usesClientId: inputs.identity.kind === 'user' }
  report.links.app = portalLink(cloud.portal, targetId(inputs.subscriptionId, target))
  if (target.kind === 'app') Object.assign(report.links, appBlades(report.links.app))
  // A bare cache name's kind is known after the read, which sets this link again (connect.ts).
  report.links.cache = portalLink(
    cloud.portal,
    cacheResourceId(inputs.subscriptionId, inputs.redisResourceGroup, inputs.redisName, inputs.redisKind)
  )
  if (inputs.identity.kind === 'user')
    report.links.identity = portalLink(cloud.portal, inputs.identity.resourceId)
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
    let inputs: Inputs
    try {
      inputs = readInputs()
    } catch (error) {
      const e = explainFailure(error, 'read the inputs', {})
      reports[0].fail(e.title, e.message, e.fix)
      return reports
    }
    const deadline = new Deadline(inputs.timeoutMinutes * 60_000, Date.now, {
      cancellation,
      startedAt: deps.startedAt ?? performance.timeOrigin
    })
    exitAfterStop(deadline, cancellation, deps.exit)
    const cloud = resolveCloud(inputs.environment, {
      resourceManagerEndpoint: inputs.resourceManagerEndpoint,
      authorityHost: inputs.authorityHost,
      audience: inputs.audience
    })
    reports = inputs.targets.map(target => reportFor(inputs, target, cloud))
    // Steps that concern the whole run (sign-in, the cache's settings) are recorded once and shown in every app's report.
    const shared = new RunReport()
    const finished = new Set<RunReport>()
    const publishBy = publishDeadline(deadline, cancellation)
    const done = await Promise.race([
      connectAll({ inputs, cloud, deadline, deps, reports, shared, finished, writes }).then(() => true),
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
    for (const report of reports)
      report.outputs.verified =
        report.succeeded && report.checks.length > 0 && report.checks.every(c => c.status !== 'failed')
    await publish(reports, writes.entries)
    cancellation.dispose()
  }
  return reports
}

interface RunScope {
  inputs: Inputs
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
  inputs,
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
    const credential = await signIn(shared, inputs, cloud, deadline, {
      sleep,
      fetchIdToken: deps.fetchIdToken
    })
    const base: RunContext = {
      inputs,
      cloud,
      clients: createClients(credential.credential, inputs.subscriptionId, cloud, [writes.policy()]),
      credential: credential.credential,
      deadline,
      sleep,
      pollIntervalMs: deps.pollIntervalMs ?? 1000,
      pace: deps.pace ?? 1,
      cacheQueue: new CacheQueue()
    }
    if (inputs.enableEntraAuth && inputs.mode === 'apply') await ensureEntraAuth(base, shared)
    const cache = readCache(base.clients, inputs, deadline.signal)
    // Every app awaits it; this keeps a failure from being reported as unhandled before they do.
    cache.catch(() => undefined)
    await Promise.all(
      inputs.targets.map((target, i) =>
        connectApp(
          {
            ...base,
            cache,
            inputs: { ...inputs, target, containerApp: target.name, resourceGroup: target.resourceGroup }
          },
          reports[i]
        ).finally(() => finished.add(reports[i]))
      )
    )
    if (inputs.disableAccessKeys && reports.every(r => r.succeeded && r.outputs.verified))
      await turnOffAccessKeys(
        base,
        shared,
        inputs.targets.map((target, i) => ({ target, revision: reports[i].outputs.revision }))
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
