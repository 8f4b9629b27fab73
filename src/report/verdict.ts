import { WORKLOADS } from '../domain/target.js'
import { escapeMarkdown } from './escape.js'
import type { CheckRecord, RunReport } from './run-report.js'
import { writesToAzure } from './steps.js'

/**
 * The runner's own Redis probe signs in as the workflow identity, not as the app: when it alone fails, the app is
 * connected and what failed is the proof from the runner.
 */
const RUNNER_PROBE = 'probe-redis'

/** The outcome of one app's run, in words: the summary's headline, the log line, the table row, the notice. */
export interface Verdict {
  icon: '✅' | '❌' | '📝' | '⚠️'
  /** "Connected", "Not verified", "Plan failed"… */
  label: string
  /** How the target is joined to the cache in the headline. */
  join: '→' | 'from'
  /** What follows the target: "(changes applied and verified)". */
  detail?: string
}

/**
 * Whether the run may have written to Azure. A failed write step counts: its request may have been accepted
 * before it failed. Only a run that failed before any write can say that nothing was written.
 */
export function mayHaveWritten(report: RunReport): boolean {
  return report.steps.some(
    s => writesToAzure(s.id) && (s.status === 'created' || s.status === 'updated' || s.status === 'failed')
  )
}

/** "a", "a and b", "a, b and c". */
function listed(items: string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : (items[0] ?? '')
}

function countFailed(failed: CheckRecord[], all: CheckRecord[]): string {
  return `${failed.length} of ${all.length} checks failed`
}

/** What the failed checks were about: only the runner's probe, or the connection itself. */
function checkFailure(report: RunReport): { failed: CheckRecord[]; probeOnly: boolean } {
  const failed = report.checks.filter(c => c.status === 'failed')
  return { failed, probeOnly: failed.length > 0 && failed.every(c => c.id === RUNNER_PROBE) }
}

const PROBE_FAILED: Verdict = {
  icon: '❌',
  label: "Connected, but the runner's Redis probe failed",
  join: '→',
  detail: 'the probe signs in as the workflow identity, not as the app'
}

/** The verdict for each mode and outcome: apply, plan, verify and disconnect, each for success and failure. */
export function verdictOf(report: RunReport): Verdict {
  const stepFailed = Boolean(report.failure) || report.steps.some(s => s.status === 'failed')
  const { failed, probeOnly } = checkFailure(report)
  // What stopped the run, and, when it stopped before any write, that nothing was written.
  const stopped =
    [
      report.failure ? `failed: ${report.failure.title}` : undefined,
      stepFailed && !mayHaveWritten(report) ? 'nothing was written to Azure' : undefined
    ]
      .filter(Boolean)
      .join('; ') || undefined
  switch (report.mode ?? 'unknown') {
    case 'plan': {
      if (!report.succeeded)
        return { icon: '❌', label: 'Plan failed', join: '→', detail: report.failure?.title }
      const changes = report.steps.filter(s => s.status === 'planned').length
      return changes
        ? {
            icon: '📝',
            label: 'Plan',
            join: '→',
            detail: `${changes} step${changes > 1 ? 's' : ''} would change`
          }
        : { icon: '✅', label: 'Plan', join: '→', detail: 'nothing to change' }
    }
    case 'verify':
      if (stepFailed)
        return { icon: '❌', label: 'Could not verify', join: '→', detail: report.failure?.title }
      if (probeOnly) return PROBE_FAILED
      if (failed.length)
        return { icon: '❌', label: 'Not connected', join: '→', detail: countFailed(failed, report.checks) }
      return { icon: '✅', label: 'Verified', join: '→', detail: 'connected with Microsoft Entra ID' }
    case 'disconnect':
      if (stepFailed) return { icon: '❌', label: 'Not disconnected', join: 'from', detail: stopped }
      if (failed.length)
        return {
          icon: '❌',
          label: 'Disconnect not verified',
          join: 'from',
          detail: countFailed(failed, report.checks)
        }
      // Something stayed on purpose (another app's assignment, another connection's variables): say what.
      if (report.kept.length)
        return {
          icon: '⚠️',
          label: report.changed ? 'Disconnected' : 'Already disconnected',
          join: 'from',
          detail: `kept ${listed(report.kept)}; see the warnings`
        }
      return report.changed
        ? { icon: '✅', label: 'Disconnected', join: 'from', detail: 'removed and verified' }
        : { icon: '✅', label: 'Already disconnected', join: 'from', detail: 'nothing to remove' }
    case 'apply':
      if (stepFailed) return { icon: '❌', label: 'Not connected', join: '→', detail: stopped }
      if (probeOnly) return PROBE_FAILED
      if (failed.length)
        return { icon: '❌', label: 'Not verified', join: '→', detail: countFailed(failed, report.checks) }
      return report.changed
        ? { icon: '✅', label: 'Connected', join: '→', detail: 'changes applied and verified' }
        : { icon: '✅', label: 'Already connected', join: '→', detail: 'nothing to change, verified' }
    case 'unknown':
      return { icon: '❌', label: 'The run did not start', join: '→', detail: stopped }
  }
}

function targetText(report: RunReport, code: (s: string) => string): string | undefined {
  const t = report.target
  if (!t) return undefined
  const v = verdictOf(report)
  return `${WORKLOADS[t.kind].namePrefix}${code(t.app)} ${v.join} ${code(t.cache)}`
}

/** The headline as Markdown (a heading): values escaped so that nothing in them formats or links. */
export function verdictMarkdown(report: RunReport): string {
  const v = verdictOf(report)
  const target = targetText(report, s => `<code>${escapeMarkdown(s)}</code>`)
  const detail = v.detail ? ` (${escapeMarkdown(v.detail)})` : ''
  return `${v.icon} ${v.label}${target ? `: ${target}` : ''}${detail}`
}

/** The headline as plain text, for the log and annotations. */
export function verdictText(report: RunReport): string {
  const v = verdictOf(report)
  const target = targetText(report, s => s)
  return `${v.icon} ${v.label}${target ? `: ${target}` : ''}${v.detail ? ` (${v.detail})` : ''}`
}
