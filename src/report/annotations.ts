import * as core from '@actions/core'
import type { RunReport } from './run-report.js'
import { verdictText } from './verdict.js'

/**
 * GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and drops the rest without
 * a word (github.com/orgs/community/discussions/68471). So: at most one of each kind per app, the last slot
 * standing for the rest when there are more; the details are in the job summary.
 */
export const PER_KIND = 10

interface Annotation {
  title: string
  message: string
  /** The app it is about, to name it when it is one of the rest. */
  app?: string
}

/** Keeps a list within the limit: the first ones as they are, and one that names the rest. */
export function capped(items: Annotation[], rest: (dropped: Annotation[]) => Annotation): Annotation[] {
  if (items.length <= PER_KIND) return items
  return [...items.slice(0, PER_KIND - 1), rest(items.slice(PER_KIND - 1))]
}

function problemsOf(report: RunReport): { title: string; text: string }[] {
  const line = (message: string, fix?: string) => `${message}${fix ? `\nFix: ${fix}` : ''}`
  return [
    ...(report.failure
      ? [{ title: report.failure.title, text: line(report.failure.message, report.failure.fix) }]
      : []),
    ...report.steps
      .filter(s => s.status === 'failed' && s.error && s.error !== report.failure?.message)
      .map(s => ({ title: s.title, text: line(s.error ?? '', s.fix) })),
    ...report.checks
      .filter(c => c.status === 'failed')
      .map(c => ({ title: `Check failed: ${c.title}`, text: line(c.evidence, c.fix) }))
  ]
}

/** One error per app that failed: its first problem in the title, every problem in the message. */
function errorOf(report: RunReport, prefix: string): Annotation | undefined {
  const problems = problemsOf(report)
  if (!problems.length) return undefined
  const [first, ...rest] = problems
  return {
    title: `${prefix}${first.title}${rest.length ? ` (and ${rest.length} more)` : ''}`,
    message: [first.text, ...rest.map(p => `${p.title}: ${p.text}`)].join('\n\n'),
    app: report.target?.app
  }
}

/** One notice per app that changed something: what changed, before → after. */
function noticeOf(report: RunReport): Annotation | undefined {
  const changed = report.steps.filter(s => s.status === 'created' || s.status === 'updated')
  if (!changed.length) return undefined
  return {
    // The verdict names the app: "Connected: orders-api → orders-cache (changes applied and verified)".
    title: verdictText(report).replace(/^\S+ /, ''),
    message: changed
      .map(s => `${s.title} (${s.status}): ${s.before ?? ''} → ${s.after ?? s.detail ?? ''}`)
      .join('\n'),
    app: report.target?.app
  }
}

const names = (list: Annotation[]) => list.map(a => a.app ?? '').join(', ')

/** Errors, notices and warnings for the run, within GitHub's limits. */
export function annotate(reports: RunReport[]): void {
  const several = reports.length > 1
  const prefix = (r: RunReport) => (several ? `${r.target?.app}: ` : '')
  const errors = reports.map(r => errorOf(r, prefix(r))).filter(a => a !== undefined)
  for (const e of capped(errors, rest => ({
    title: `${rest.length} more apps failed`,
    message: `${names(rest)}: see each one's report in the job summary.`
  })))
    core.error(e.message, { title: e.title })
  const notices = reports.map(r => noticeOf(r)).filter(a => a !== undefined)
  for (const n of capped(notices, rest => ({
    title: `${rest.length} more apps changed`,
    message: `${names(rest)}: see each one's report in the job summary.`
  })))
    core.notice(n.message, { title: n.title })
  // Warnings are about the cache, shared by every app's report: say each once.
  const warnings = [...new Set(reports.flatMap(r => r.warnings))].map(w => ({ title: '', message: w }))
  for (const w of capped(warnings, rest => ({
    title: '',
    message: `${rest.length} more warnings: see the job summary.`
  })))
    core.warning(w.message)
}
