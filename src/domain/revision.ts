import type { Revision } from '@azure/arm-appcontainers'

/** A revision as Azure answers it, with the details of its running state, which the SDK's model leaves out. */
export interface RevisionStatus extends Revision {
  runningStateDetails?: string
}

export type RevisionPhase = 'ready' | 'pending' | 'failed'

export interface RevisionReading {
  phase: RevisionPhase
  /** The state that decided the phase, in Azure's words: `ScaledToZero`, `Degraded`, `provisioning Failed`. */
  state: string
  /** For a failed revision: why, in Azure's words where it gives any. */
  reason?: string
}

// The one place that says what each running state means (Learn "Update and deploy changes", running status;
// Learn "Troubleshoot a container app"; Azure/azure-rest-api-specs#29102 for the values the spec's enum lacks).
/** Serving or ready to serve: `ScaledToZero` is a good revision with no replicas until traffic comes (minReplicas 0,
 *  the default). */
const READY_RUNNING_STATES = ['running', 'runningatmaxscale', 'scaledtozero']
/** Ends that a wait must not sit out: a degraded revision (past the platform's ~10 minute progress deadline), one
 *  whose first replica failed, a failed one, and one that was deactivated or is being removed. */
const FAILED_RUNNING_STATES = ['degraded', 'activationfailed', 'failed', 'stopped', 'deprovisioning']
const FAILED_PROVISIONING_STATES = ['failed', 'deprovisioning', 'deprovisioned']

/** Of those, the ends a newer revision brings about: deactivated (Single revision mode) or being removed. */
const DEACTIVATED_RUNNING_STATES = ['stopped', 'deprovisioning']
const DEACTIVATED_PROVISIONING_STATES = ['deprovisioning', 'deprovisioned']

const lower = (s: string | undefined): string => (s ?? '').toLowerCase()

/** The revision was deactivated or is being removed, rather than failing to start: what another deploy's newer
 *  revision does to it. */
export function isDeactivated(r: RevisionStatus): boolean {
  return (
    DEACTIVATED_RUNNING_STATES.includes(lower(r.runningState)) ||
    DEACTIVATED_PROVISIONING_STATES.includes(lower(r.provisioningState))
  )
}
/** Azure's words on one line: they go into log lines, where a line break could start a workflow command. */
const oneLine = (s: string | undefined): string | undefined => s?.replace(/\s+/g, ' ').trim()

/** Ready, still on its way (Processing, Activating, or a state this action does not know yet), or failed. */
export function readRevisionState(r: RevisionStatus): RevisionReading {
  const provisioning = lower(r.provisioningState)
  const running = lower(r.runningState)
  const reason = oneLine(r.runningStateDetails || r.provisioningError || undefined)
  if (FAILED_PROVISIONING_STATES.includes(provisioning)) {
    return { phase: 'failed', state: `provisioning ${oneLine(r.provisioningState)}`, reason }
  }
  if (FAILED_RUNNING_STATES.includes(running)) {
    return {
      phase: 'failed',
      state: oneLine(r.runningState) ?? running,
      reason:
        reason ??
        (running === 'stopped' ? 'the revision is inactive (deactivated) and serves no traffic' : undefined)
    }
  }
  const ready =
    READY_RUNNING_STATES.includes(running) &&
    provisioning === 'provisioned' &&
    lower(r.healthState) === 'healthy'
  return { phase: ready ? 'ready' : 'pending', state: oneLine(r.runningState) ?? 'unknown' }
}

/** "Activating (health None, 0 replicas, provisioning Provisioned)". */
export function describeRevision(r: RevisionStatus | undefined): string {
  if (!r) return 'not found'
  const replicas = r.replicas === undefined ? '' : `, ${r.replicas} replica${r.replicas === 1 ? '' : 's'}`
  return `${oneLine(r.runningState) ?? 'no running state'} (health ${oneLine(r.healthState) ?? '?'}${replicas}, provisioning ${oneLine(r.provisioningState) ?? '?'})`
}

/** "Revision x is Degraded: Deployment Progress Deadline Exceeded. 0/1 replicas ready." */
export function describeFailure(name: string, reading: RevisionReading): string {
  return `Revision ${name} is ${reading.state}${reading.reason ? `: ${reading.reason}` : ''}`
}
