import * as core from '@actions/core'
import { commentPlanOnPullRequest, isPullRequestEvent } from './pr-comment.js'
import type { RunReport } from './run-report.js'
import { renderSummary } from './summary.js'

/** Outputs, annotations and the job summary. Runs in every case; a summary that cannot be written only warns. */
export async function publish(report: RunReport): Promise<void> {
  report.finishedAt ??= Date.now()
  for (const [name, value] of Object.entries(report.outputs)) core.setOutput(name, String(value))
  core.setOutput('result', JSON.stringify(report))

  for (const step of report.steps) {
    if (step.status === 'created' || step.status === 'updated')
      core.notice(`${step.before ?? ''} → ${step.after ?? ''}`, { title: `${step.title}: ${step.status}` })
  }
  if (report.failure)
    core.error(`${report.failure.message}${report.failure.fix ? `\nFix: ${report.failure.fix}` : ''}`, {
      title: report.failure.title
    })
  for (const step of report.steps.filter(
    s => s.status === 'failed' && s.error && s.error !== report.failure?.message
  )) {
    core.error(`${step.error}${step.fix ? `\nFix: ${step.fix}` : ''}`, { title: step.title })
  }
  for (const check of report.checks.filter(c => c.status === 'failed')) {
    core.error(`${check.evidence}${check.fix ? `\nFix: ${check.fix}` : ''}`, {
      title: `Check failed: ${check.title}`
    })
  }
  for (const warning of report.warnings) core.warning(warning)

  if (report.mode === 'plan' && isPullRequestEvent()) await commentPlanOnPullRequest(report)

  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(renderSummary(report), true).write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
