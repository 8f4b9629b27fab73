import { MODES, NO_MODE, type Mode, type ModeTraits } from '../domain/mode.js'
import type { TargetKind } from '../domain/target.js'
import { appOutputs, changedAnything, isVerified, type RunOutputs, type StageResults } from './app-outputs.js'
import type { CheckRecord, StepRecord } from './records.js'
import { stepRank, stepTitle } from './steps.js'

export type { StepId } from './steps.js'
export type { CheckRecord, CheckStatus, StepRecord, StepStatus } from './records.js'
export type { RunOutputs } from './app-outputs.js'

export interface ResourceLinks {
  /** The portal blades of the app or job, the cache and the user-assigned identity. */
  app?: string
  cache?: string
  identity?: string
  /** The app's "Revisions and replicas" and "Log stream" blades (apps only: a job has no revisions). */
  revisions?: string
  logStream?: string
  /** The app's own address, from its ingress (https://{fqdn}). */
  appUrl?: string
}

/** Time spent on the writes to the cache, which go one at a time across the apps of a run. */
export interface CacheQueueTime {
  /** Waiting for the writes of other apps to finish. */
  waitedMs: number
  /** This app's own writes. */
  workedMs: number
}

/** Everything the run did and found; rendered into the outputs, the annotations and the job summary. */
export class RunReport {
  /** None when the run failed before it knew (bad inputs). */
  mode?: Mode
  target?: {
    /** The app's or the job's name. */
    app: string
    /** A container app or a Container Apps job. */
    kind: TargetKind
    resourceGroup: string
    cache: string
    cacheResourceGroup: string
    subscriptionId: string
  }
  readonly steps: StepRecord[] = []
  readonly checks: CheckRecord[] = []
  readonly links: ResourceLinks = {}
  readonly variablesSet: { container: string; name: string; before?: string; after: string }[] = []
  readonly warnings: string[] = []
  /** What a disconnect left in place on purpose ("the access policy assignment", "3 variables"); warnings say why. */
  readonly kept: string[] = []
  variableNames?: { host: string; port: string; objectId: string; clientId: string; usesClientId: boolean }
  traffic?: string
  /** The Managed Redis database's clustering policy (OSSCluster needs cluster-aware clients); none for a classic cache. */
  clusteringPolicy?: string
  cacheQueue?: CacheQueueTime
  failure?: { title: string; message: string; fix?: string }
  /** What each stage of the pipeline returned: the outputs are computed from it. */
  readonly results: StageResults = {}
  readonly startedAt = Date.now()
  finishedAt?: number

  /** Records a step as it finishes; its title comes from the step registry unless it brings its own. */
  step(finished: Omit<StepRecord, 'title'> & { title?: string }): StepRecord {
    const record = { ...finished, title: finished.title ?? stepTitle(finished.id, this.target?.kind) }
    const existing = this.steps.findIndex(s => s.id === record.id)
    if (existing >= 0) this.steps[existing] = record
    else {
      const rank = stepRank(record.id)
      const after = this.steps.findIndex(s => stepRank(s.id) > rank)
      if (after >= 0) this.steps.splice(after, 0, record)
      else this.steps.push(record)
    }
    return record
  }

  /** Adds the time one of its writes spent in the cache queue (waiting for other apps', then its own). */
  timeCacheQueue(time: CacheQueueTime): void {
    this.cacheQueue = {
      waitedMs: (this.cacheQueue?.waitedMs ?? 0) + time.waitedMs,
      workedMs: (this.cacheQueue?.workedMs ?? 0) + time.workedMs
    }
  }

  check(record: CheckRecord): void {
    this.checks.push(record)
  }

  /** Takes in what the run recorded once for every app: sign-in and the cache's settings. */
  absorb(shared: RunReport): void {
    for (const step of shared.steps) this.step(step)
    this.warnings.push(...shared.warnings)
    if (shared.failure) this.fail(shared.failure.title, shared.failure.message, shared.failure.fix)
  }

  fail(title: string, message: string, fix?: string): void {
    this.failure ??= { title, message, fix }
  }

  /** The action's outputs for this app: computed, never assigned (see appOutputs). */
  get outputs(): RunOutputs {
    return appOutputs(this.results, { changed: this.changed, verified: this.verified })
  }

  get changed(): boolean {
    return changedAnything(this.steps)
  }

  get verified(): boolean {
    return isVerified(this)
  }

  /** What the run's mode does (see MODES). */
  get modeTraits(): ModeTraits {
    return this.mode ? MODES[this.mode] : NO_MODE
  }

  get succeeded(): boolean {
    return (
      !this.failure &&
      !this.steps.some(s => s.status === 'failed') &&
      !this.checks.some(c => c.status === 'failed')
    )
  }

  toJSON(): object {
    return {
      schemaVersion: 1,
      mode: this.mode ?? 'unknown',
      succeeded: this.succeeded,
      target: this.target,
      clusteringPolicy: this.clusteringPolicy,
      outputs: this.outputs,
      steps: this.steps,
      checks: this.checks,
      variables: this.variablesSet,
      traffic: this.traffic,
      links: this.links,
      cacheQueue: this.cacheQueue,
      warnings: this.warnings,
      failure: this.failure,
      durationMs: (this.finishedAt ?? Date.now()) - this.startedAt
    }
  }
}
