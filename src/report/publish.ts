import * as core from '@actions/core'
import { bytes, OUTPUT_MAX_BYTES, shortenUntilFits, SUMMARY_MAX_BYTES } from './limits.js'
import { commentPlanOnPullRequest, isPullRequestEvent } from './pr-comment.js'
import type { RunReport } from './run-report.js'
import { renderRunSummary } from './run-summary.js'

/** A value per app, keyed by the app's name. */
function byApp<T>(reports: RunReport[], pick: (r: RunReport) => T): Record<string, T> {
  return Object.fromEntries(reports.map(r => [r.target?.app ?? '', pick(r)]))
}

/**
 * The run's outputs: a single app keeps the v1 outputs; several apps get each output as a JSON map keyed by
 * app, with `changed` and `verified` staying plain booleans over all apps (what a workflow gates on).
 */
function setOutputs(reports: RunReport[]): void {
  if (reports.length === 1) {
    const [report] = reports
    for (const [name, value] of Object.entries(report.outputs)) core.setOutput(name, String(value))
    core.setOutput('result', resultOutput(reports))
    return
  }
  for (const name of [
    'principal-id',
    'client-id',
    'redis-host',
    'redis-port',
    'assignment-name',
    'revision'
  ] as const) {
    core.setOutput(name, JSON.stringify(byApp(reports, r => r.outputs[name])))
  }
  core.setOutput('changed', String(reports.some(r => r.outputs.changed)))
  core.setOutput('verified', String(reports.every(r => r.outputs.verified)))
  core.setOutput('result', resultOutput(reports))
}

/** The `result` output: the report(s) in full, or, past GitHub's output limit, each app's verdict and outputs. */
function resultOutput(reports: RunReport[]): string {
  const full = JSON.stringify(
    reports.length === 1 ? reports[0] : { schemaVersion: 1, apps: byApp(reports, r => r) }
  )
  if (bytes(full) <= OUTPUT_MAX_BYTES) return full
  return JSON.stringify({
    schemaVersion: 1,
    truncated: "the full result passed GitHub's 1 MB output limit; the job summary has each app's report",
    apps: byApp(reports, r => ({ succeeded: r.succeeded, outputs: r.outputs, failure: r.failure }))
  })
}

function annotate(report: RunReport, prefix: string): void {
  for (const step of report.steps) {
    if (step.status === 'created' || step.status === 'updated')
      core.notice(`${step.before ?? ''} → ${step.after ?? ''}`, {
        title: `${prefix}${step.title}: ${step.status}`
      })
  }
  if (report.failure)
    core.error(`${report.failure.message}${report.failure.fix ? `\nFix: ${report.failure.fix}` : ''}`, {
      title: `${prefix}${report.failure.title}`
    })
  for (const step of report.steps.filter(
    s => s.status === 'failed' && s.error && s.error !== report.failure?.message
  )) {
    core.error(`${step.error}${step.fix ? `\nFix: ${step.fix}` : ''}`, { title: `${prefix}${step.title}` })
  }
  for (const check of report.checks.filter(c => c.status === 'failed')) {
    core.error(`${check.evidence}${check.fix ? `\nFix: ${check.fix}` : ''}`, {
      title: `${prefix}Check failed: ${check.title}`
    })
  }
}

/** Outputs, annotations and the job summary. Runs in every case; a summary that cannot be written only warns. */
export async function publish(reports: RunReport[]): Promise<void> {
  for (const report of reports) report.finishedAt ??= Date.now()
  // Long texts from Azure (an error, a revision's failure, a variable's old value) are cut so that the result and
  // the summary fit GitHub's limits; annotations then carry the same cut texts.
  shortenUntilFits(
    reports,
    () =>
      bytes(resultOutput(reports)) <= OUTPUT_MAX_BYTES &&
      bytes(renderRunSummary(reports)) <= SUMMARY_MAX_BYTES
  )
  setOutputs(reports)
  const several = reports.length > 1
  for (const report of reports) annotate(report, several ? `${report.target?.app}: ` : '')
  // Warnings are about the cache, shared by every app's report: say each once.
  const seen = new Set<string>()
  for (const warning of reports.flatMap(r => r.warnings)) {
    if (seen.has(warning)) continue
    seen.add(warning)
    core.warning(warning)
  }

  // The summary before the pull-request comment: a network call that a stopped run may not live to finish.
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderRunSummary(reports), true).write()
    } catch (error) {
      core.warning(`Could not write the job summary: ${(error as Error).message}`)
    }
  }

  for (const report of reports)
    if (report.mode === 'plan' && isPullRequestEvent()) await commentPlanOnPullRequest(report)
}
