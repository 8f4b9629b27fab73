import type { WriteRecord } from '../azure/write-log.js'
import { escapeHtml as h, escapeMarkdown } from './escape.js'
import { SUMMARY_MAX_BYTES } from './limits.js'
import { details, table } from './markdown.js'
import type { RunReport } from './run-report.js'
import { duration, renderSummary, targetName } from './summary.js'
import { verdictOf } from './verdict.js'
import { WORKLOADS } from '../domain/target.js'

/** The ids of every write, folded at the end: what Azure support asks for. */
export function writesSection(writes: WriteRecord[]): string {
  if (!writes.length) return ''
  const rows = writes.map(w => [
    h(new Date(w.at).toISOString().slice(11, 23)),
    `${h(w.method)} <code>${h(w.resource)}</code>`,
    h(w.status),
    `<code>${h(w.correlationId ?? '')}</code>`,
    `<code>${h(w.requestId ?? '')}</code>`
  ])
  return details(
    `Azure request ids of the ${writes.length} write${writes.length > 1 ? 's' : ''} (for Azure support)`,
    table(['Time (UTC)', 'Request', 'Status', 'x-ms-correlation-request-id', 'x-ms-request-id'], rows)
  )
}

/** One summary for the run: a row per app, then each app's own report, folded. A single app gets its report. */
export function renderRunSummary(reports: RunReport[], writes: WriteRecord[] = []): string {
  const ids = writesSection(writes)
  if (reports.length === 1) return [renderSummary(reports[0]), ids].filter(Boolean).join('\n')
  const failed = reports.filter(r => !r.succeeded)
  const cache = reports[0].target?.cache ?? ''
  const jobs = reports.some(r => r.target?.kind === 'job')
  const what = jobs ? 'apps and jobs' : 'apps'
  const { done } = reports[0].modeTraits
  const head = failed.length
    ? `❌ ${failed.length} of ${reports.length} ${what} not ${done} <code>${escapeMarkdown(cache)}</code>`
    : `✅ ${reports.length} ${what} ${done} <code>${escapeMarkdown(cache)}</code>`
  const queued = reports.some(r => r.cacheQueue)
  const rows = reports.map(r => {
    const v = verdictOf(r)
    return [
      r.target ? targetName(r.target) : '',
      `${v.icon} ${h(v.label)}`,
      h(r.outputs['principal-id']),
      h(r.outputs.revision),
      `${r.checks.filter(c => c.status === 'passed').length}/${r.checks.length}`,
      ...(queued
        ? [r.cacheQueue ? h(`${duration(r.cacheQueue.waitedMs)} / ${duration(r.cacheQueue.workedMs)}`) : '']
        : [])
    ]
  })
  const header = [
    jobs ? 'App or job' : 'App',
    'Result',
    'Principal id',
    'Latest ready revision',
    'Checks passed',
    ...(queued ? ['Cache queue: waited / writing'] : [])
  ]
  const folded = reports.map(r => {
    const v = verdictOf(r)
    const name = `${WORKLOADS[r.target?.kind ?? 'app'].namePrefix}${h(r.target?.app)}`
    return details(`${name}: ${v.icon} ${h(v.label)}`, renderSummary(r), { open: !r.succeeded })
  })
  const full = [`## ${head}\n`, table(header, rows), ...folded, ids].filter(Boolean).join('\n')
  if (Buffer.byteLength(full) <= SUMMARY_MAX_BYTES) return full
  return [
    `## ${head}\n`,
    table(header, rows),
    "<p>Per-app reports are in the <code>results</code> output (the summary would pass GitHub's 1 MiB limit).</p>\n"
  ].join('\n')
}
