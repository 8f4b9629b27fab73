import type { CheckRecord, StepRecord } from './records.js'

/**
 * What the stages of one app's pipeline returned that its outputs report. The pipeline (connect.ts) records each
 * stage's result as the stage returns, so a run stopped halfway still reports what it had found; the outputs are
 * computed from these alone (appOutputs), in one place.
 */
export interface StageResults {
  /** The read: the cache's endpoint, the app's latest ready revision, the identity as planned. */
  read?: {
    host: string
    port: string
    revision: string
    principalId?: string
    clientId?: string
  }
  /** The plan (mode plan): the assignment it would write. */
  plan?: { assignmentName: string }
  /** The apply: the identity it made or found, once known, and the assignment it wrote (or would have). */
  apply?: { principal?: { principalId: string; clientId?: string }; assignmentName?: string }
  /** The disconnect: the identity whose connection it removes. */
  disconnect?: { principalId?: string }
  /** The latest ready revision of the freshest app the run holds, once a stage (a wait, the checks) read it again. */
  revision?: string
}

export interface RunOutputs {
  'principal-id': string
  'client-id': string
  'redis-host': string
  'redis-port': string
  'assignment-name': string
  revision: string
  changed: boolean
  verified: boolean
}

/** Whether the run wrote anything: a step that created or updated something. */
export function changedAnything(steps: StepRecord[]): boolean {
  return steps.some(s => s.status === 'created' || s.status === 'updated')
}

/**
 * `verified: true` only when the run succeeded and the checks ran and none failed: a check that could not run is
 * skipped, never passed, and a run without checks proved nothing.
 */
export function isVerified(o: { succeeded: boolean; checks: CheckRecord[] }): boolean {
  return o.succeeded && o.checks.length > 0 && o.checks.every(c => c.status !== 'failed')
}

/** One app's outputs, from what its stages returned and whether it changed anything and was verified. */
export function appOutputs(results: StageResults, o: { changed: boolean; verified: boolean }): RunOutputs {
  const { read, plan, apply, disconnect } = results
  // The identity the apply ended with, else the one a disconnect removes the connection of, else the one read.
  const principalId = disconnect
    ? disconnect.principalId
    : (apply?.principal?.principalId ?? read?.principalId)
  const clientId = apply?.principal ? apply.principal.clientId : read?.clientId
  return {
    'principal-id': principalId ?? '',
    'client-id': clientId ?? '',
    'redis-host': read?.host ?? '',
    'redis-port': read?.port ?? '',
    'assignment-name': apply?.assignmentName ?? plan?.assignmentName ?? '',
    revision: results.revision ?? read?.revision ?? '',
    changed: o.changed,
    verified: o.verified
  }
}
