import { connect, type RunDependencies } from './connect.js'
import { publish } from './report/publish.js'
import { RunReport } from './report/run-report.js'

/** The action's entry point: connect, then always publish outputs and the summary; fail the step if needed. */
export async function run(deps: RunDependencies = {}): Promise<void> {
  const report = new RunReport()
  try {
    await connect(report, deps)
  } catch (error) {
    report.fail(
      'Unexpected error',
      (error as Error)?.message ?? String(error),
      'Rerun with debug logging on (re-run jobs > enable debug logging) and report the log if it persists.'
    )
  } finally {
    report.outputs.verified =
      report.succeeded && report.checks.length > 0 && report.checks.every(c => c.status !== 'failed')
    await publish(report)
    if (!report.succeeded) process.exitCode = 1
  }
}
