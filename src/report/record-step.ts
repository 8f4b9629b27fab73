import { withProgress } from '../progress.js'
import type { RunReport, StepRecord } from './run-report.js'
import { stepTitle } from './steps.js'

/** A failure already recorded on a step of the report. */
export class StepFailed extends Error {}

export type StepWork<T> = () => Promise<{
  status: StepRecord['status']
  after?: string
  detail?: string
  value: T
}>

/** A step as it starts: its title comes from the step registry unless the step has a title of its own. */
export type StepStart = Omit<StepRecord, 'status' | 'title'> & { title?: string }

/**
 * Runs a step, timing it and recording its outcome; a failure is explained, recorded and rethrown as StepFailed.
 * A step that takes long says so in the log (a wait inside it, with its own state, speaks for it meanwhile).
 */
export async function recordStep<T>(
  report: RunReport,
  start: StepStart,
  work: StepWork<T>,
  /** May read more (e.g. which lock refused a write) before it explains. */
  explain: (e: unknown) => { message: string; fix?: string } | Promise<{ message: string; fix?: string }>
): Promise<T> {
  const started = Date.now()
  const base = { ...start, title: start.title ?? stepTitle(start.id, report.target?.kind) }
  try {
    const who = report.target ? `${report.target.app}: ` : ''
    const { status, after, detail, value } = await withProgress(`${who}${base.title}`, () => work())
    report.step({
      ...base,
      status,
      after: after ?? base.after,
      detail: detail ?? base.detail,
      durationMs: Date.now() - started
    })
    return value
  } catch (error) {
    if (error instanceof StepFailed) throw error
    const explained = await explain(error)
    report.step({
      ...base,
      status: 'failed',
      durationMs: Date.now() - started,
      error: explained.message,
      fix: explained.fix
    })
    report.fail(base.title, explained.message, explained.fix)
    throw new StepFailed(explained.message)
  }
}
