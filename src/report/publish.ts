import * as core from '@actions/core'
import type { WriteRecord } from '../azure/write-log.js'
import { annotate } from './annotations.js'
import { bytes, OUTPUT_MAX_BYTES, shortenUntilFits, SUMMARY_MAX_BYTES } from './limits.js'
import { runOutputs } from './outputs.js'
import { commentPlanOnPullRequest, isPullRequestEvent } from './pr-comment.js'
import type { RunReport } from './run-report.js'
import { renderRunSummary } from './run-summary.js'
import { duration } from './summary.js'
import { verdictText } from './verdict.js'

/** One line per app in the log, whatever happened: a no-op run says so instead of printing nothing. */
function logOutcome(report: RunReport): void {
  const count = (status: string) => report.checks.filter(c => c.status === status).length
  const warned = count('warning') ? `, ${count('warning')} with a warning` : ''
  const checks = report.checks.length
    ? `; ${count('passed')} of ${report.checks.length} checks passed${warned}`
    : ''
  const queue =
    report.cacheQueue && report.cacheQueue.waitedMs >= 1000
      ? `; cache queue: waited ${duration(report.cacheQueue.waitedMs)}, writing ${duration(report.cacheQueue.workedMs)}`
      : ''
  const took = duration((report.finishedAt ?? Date.now()) - report.startedAt)
  core.info(`${verdictText(report)}${checks}${queue} [${took}]`)
}

/** Outputs, annotations, the log's outcome lines and the job summary. Runs in every case; a summary that cannot be
 *  written only warns. */
export async function publish(reports: RunReport[], writes: WriteRecord[] = []): Promise<void> {
  for (const report of reports) report.finishedAt ??= Date.now()
  // Long texts from Azure (an error, a revision's failure, a variable's old value) are cut so that the outputs and
  // the summary fit GitHub's limits; annotations then carry the same cut texts.
  shortenUntilFits(
    reports,
    () =>
      Object.values(runOutputs(reports)).every(value => bytes(value) <= OUTPUT_MAX_BYTES) &&
      bytes(renderRunSummary(reports, writes)) <= SUMMARY_MAX_BYTES
  )
  for (const [name, value] of Object.entries(runOutputs(reports))) core.setOutput(name, value)
  for (const report of reports) logOutcome(report)
  annotate(reports)

  // The summary before the pull-request comment: a network call that a stopped run may not live to finish.
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderRunSummary(reports, writes), true).write()
    } catch (error) {
      core.warning(`Could not write the job summary: ${(error as Error).message}`)
    }
  }

  for (const report of reports)
    if (report.modeTraits.commentsOnPullRequest && isPullRequestEvent())
      await commentPlanOnPullRequest(report)
}
