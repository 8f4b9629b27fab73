import { escapeHtml as h } from './escape.js'
import { SUMMARY_MAX_BYTES } from './limits.js'
import type { RunReport } from './run-report.js'
import { renderSummary, targetName } from './summary.js'

function appVerdict(r: RunReport): string {
  if (!r.succeeded) return '❌ not connected'
  if (r.mode === 'plan')
    return r.steps.some(s => s.status === 'planned') ? '📝 changes planned' : '✅ nothing to change'
  if (r.mode === 'disconnect') return '✅ disconnected'
  return r.outputs.changed ? '✅ connected (changed)' : '✅ already connected'
}

/** One summary for the run: a row per app, then each app's own report, folded. A single app gets its report. */
export function renderRunSummary(reports: RunReport[]): string {
  if (reports.length === 1) return renderSummary(reports[0])
  const failed = reports.filter(r => !r.succeeded)
  const cache = reports[0].target?.cache ?? ''
  const jobs = reports.some(r => r.target?.kind === 'job')
  const what = jobs ? 'apps and jobs' : 'apps'
  const head = failed.length
    ? `❌ ${failed.length} of ${reports.length} ${what} not connected to <code>${h(cache)}</code>`
    : `✅ ${reports.length} ${what} connected to <code>${h(cache)}</code>`
  const rows = reports.map(
    r =>
      `<tr><td>${r.target ? targetName(r.target) : ''}</td><td>${appVerdict(r)}</td><td>${h(r.outputs['principal-id'])}</td><td>${h(r.outputs.revision)}</td><td>${r.checks.filter(c => c.status === 'passed').length}/${r.checks.length}</td></tr>`
  )
  const table = `<table><tr><th>${jobs ? 'App or job' : 'App'}</th><th>Result</th><th>Principal id</th><th>Latest ready revision</th><th>Checks passed</th></tr>${rows.join('')}</table>\n`
  const details = reports.map(
    r =>
      `<details${r.succeeded ? '' : ' open'}><summary>${r.target?.kind === 'job' ? 'Container Apps job ' : ''}${h(r.target?.app)}: ${appVerdict(r)}</summary>\n\n${renderSummary(r)}\n</details>\n`
  )
  const full = [`## ${head}\n`, table, ...details].join('\n')
  if (Buffer.byteLength(full) <= SUMMARY_MAX_BYTES) return full
  return [
    `## ${head}\n`,
    table,
    "<p>Per-app reports are in the <code>result</code> output (the summary would pass GitHub's 1 MiB limit).</p>\n"
  ].join('\n')
}
