import * as core from '@actions/core'
import { WORKLOADS } from '../domain/target.js'
import type { ContainerApp } from '@azure/arm-appcontainers'
import { DeadlineExceededError } from '../deadline.js'
import {
  describeFailure,
  describeRevision,
  isDeactivated,
  readRevisionState,
  type RevisionStatus
} from '../domain/revision.js'
import { getRevisionStatus } from '../read/revision-state.js'
import type { TargetResource } from '../read/target.js'
import type { RunContext } from '../run-context.js'
import { logSafe } from '../domain/text.js'

/** The new revision is ready and is the app's latest ready revision. */
export interface RevisionOutcome {
  revision: RevisionStatus
  app: ContainerApp
  /** Another deploy made a newer revision while the run waited: the one waited for, and the one the app runs. */
  replaced?: { revision: string; by: string }
}

/** The new revision ended without becoming ready (Degraded, ActivationFailed, Failed, Stopped …). */
export class RevisionFailedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RevisionFailedError'
  }
}

/** The shortest pause between polls: with the operation polls that overlap the wait, under one ARM read per second. */
export const REVISION_POLL_FLOOR_MS = 1500
/** Each pause is this share of the time waited so far, so a ready revision is seen within about that share late. */
const POLL_SHARE = 0.025
/** ARM refills reads at 25 per second per subscription and principal; a long wait need not look more often. */
const MAX_POLL_MS = 10_000
/** How often a long wait says what it is waiting for (with polls ≤ 10 s apart: every 20–30 s). */
const PROGRESS_EVERY_MS = 20_000

/**
 * Start-to-start time between two polls, `waitedMs` into the wait: 1.5 s, then growing with the wait. A revision
 * takes 30–120 s on Azure; a fixed short cadence would spend ARM reads for nothing, while a pause proportional to
 * the time already waited keeps the run's end within ~2.5 % of the moment the revision is ready (for revisions of
 * a minute or more) at under one read per second.
 */
export function revisionPollIntervalMs(waitedMs: number): number {
  return Math.min(MAX_POLL_MS, Math.max(REVISION_POLL_FLOOR_MS, waitedMs * POLL_SHARE))
}

/**
 * Waits until the new revision is ready (Running, RunningAtMaxScale or ScaledToZero, provisioned and healthy)
 * and is the app's latest ready revision; fails as soon as it reads Degraded, ActivationFailed, Failed or Stopped.
 * One GET (the revision) per poll, and one of the app to confirm; the operation that made the revision has
 * already succeeded by now, so only the revision tells whether its containers start.
 *
 * Another deploy may make a newer revision meanwhile; in Single revision mode it deactivates this one (Stopped)
 * once it is ready. The app then runs the newer revision, so the wait follows it (a revision that failed to start
 * still fails the wait at once), and the outcome says so: what the run checks next is what the app runs.
 */
export async function waitForRevision(ctx: RunContext, revisionName: string): Promise<RevisionOutcome> {
  const { clients, deadline } = ctx
  const options = { abortSignal: deadline.signal }
  let awaited = revisionName
  const waitingFor = () => `revision ${awaited} to become ready`
  const startedAt = deadline.now()
  let lastSeen = 'nothing yet'
  let saidAt = startedAt
  const orDeadline = <T>(read: Promise<T>): Promise<T> =>
    read.catch((error: unknown) => {
      if (deadline.expired) throw new DeadlineExceededError(waitingFor(), lastSeen)
      throw error
    })
  const readApp = () =>
    orDeadline(clients.apps.containerApps.get(ctx.target.resourceGroup, ctx.target.name, options))
  for (;;) {
    const polledAt = deadline.now()
    const revision = await orDeadline(
      getRevisionStatus(clients.apps, ctx.target.resourceGroup, ctx.target.name, awaited, options)
    )
    const reading = readRevisionState(revision)
    lastSeen = describeRevision(revision)
    // A revision that failed to start is this run's failure, at once; one that was deactivated, or that is ready
    // but not what the app runs, may have been replaced by another deploy's.
    if (reading.phase === 'failed' && !isDeactivated(revision))
      throw new RevisionFailedError(describeFailure(awaited, reading))
    if (reading.phase !== 'pending') {
      const app = await readApp()
      const newer = await newerRevision(ctx, app, revision)
      if (newer) {
        core.info(
          `Revision ${awaited} was replaced by ${newer} while this run waited for it (another deploy changed the app): waiting for ${newer}, which the app runs now, and checking that one.`
        )
        awaited = newer
        continue
      }
      if (reading.phase === 'failed') throw new RevisionFailedError(describeFailure(awaited, reading))
      if (app.latestReadyRevisionName === awaited) {
        return {
          revision,
          app,
          ...(awaited !== revisionName ? { replaced: { revision: revisionName, by: awaited } } : {})
        }
      }
      lastSeen += `; the app's latest ready revision is still ${app.latestReadyRevisionName ?? 'none'}`
    }
    const now = deadline.now()
    if (now - saidAt >= PROGRESS_EVERY_MS) {
      core.info(
        `Waiting for ${waitingFor()} (${Math.round((now - startedAt) / 1000)} s so far): ${logSafe(lastSeen)}.`
      )
      saidAt = now
    }
    const remaining = deadline.remainingMs()
    if (remaining <= 0) throw new DeadlineExceededError(waitingFor(), lastSeen)
    const interval = revisionPollIntervalMs(polledAt - startedAt)
    await ctx.sleep(Math.max(0, Math.min(polledAt + interval - now, remaining)))
  }
}

/**
 * The app's latest revision when it was made after `current`: another deploy's. A read that names an older one
 * (an answer from before the run's own write) is not taken for a replacement.
 */
async function newerRevision(
  ctx: RunContext,
  app: ContainerApp,
  current: RevisionStatus
): Promise<string | undefined> {
  const latest = app.latestRevisionName
  if (!latest || latest === current.name || !current.createdTime) return undefined
  const candidate = await getRevisionStatus(
    ctx.clients.apps,
    ctx.target.resourceGroup,
    ctx.target.name,
    latest,
    {
      abortSignal: ctx.deadline.signal
    }
  )
  return candidate.createdTime && candidate.createdTime.getTime() > current.createdTime.getTime()
    ? latest
    : undefined
}

/** What the revision step says of a wait that ended ready. */
export function describeOutcome(outcome: RevisionOutcome): string {
  const ready = `ready: ${describeRevision(outcome.revision)}`
  return outcome.replaced ? `${outcome.replaced.by}, made by another deploy, ${ready}` : ready
}

/** The warning a replaced revision deserves: what the run checked is not the revision it made. */
export function replacedWarning(outcome: RevisionOutcome): string | undefined {
  const r = outcome.replaced
  return (
    r &&
    `Revision ${r.revision}, made by this run, was replaced by ${r.by} while the run waited for it: another deploy changed the app at the same time. The checks are of ${r.by}, which the app runs now.`
  )
}

function readRevision(ctx: RunContext, name: string | undefined): Promise<RevisionStatus | undefined> {
  if (!name || !WORKLOADS[ctx.target.kind].hasRevisions) return Promise.resolve(undefined)
  return getRevisionStatus(ctx.clients.apps, ctx.target.resourceGroup, ctx.target.name, name, {
    abortSignal: ctx.deadline.signal
  })
}

/** Reads the app's latest ready revision, fresh. */
export function readRevisionEvidence(
  ctx: RunContext,
  app: TargetResource
): Promise<RevisionStatus | undefined> {
  return readRevision(ctx, app.latestReadyRevisionName)
}

/** Reads the app's latest revision when it is not the latest ready one: it says why it is not ready. */
export function readNewerRevision(ctx: RunContext, app: TargetResource): Promise<RevisionStatus | undefined> {
  return readRevision(
    ctx,
    app.latestRevisionName !== app.latestReadyRevisionName ? app.latestRevisionName : undefined
  )
}
