import { isOssCluster } from '../azure/managed-redis.js'
import { kindTitle } from '../read/target.js'
import { escapeHtml as h } from './escape.js'
import type { CheckRecord, CheckStatus, RunReport, StepRecord, StepStatus } from './run-report.js'
import { usageSnippets } from './usage-snippets.js'

const STEP_ICON: Record<StepStatus, string> = {
  created: '🆕',
  updated: '✏️',
  unchanged: '✅',
  planned: '📝',
  failed: '❌',
  skipped: '⏭️',
  done: '✅'
}
const CHECK_ICON: Record<CheckStatus, string> = { passed: '✅', failed: '❌', skipped: '⏭️', warning: '⚠️' }
const MAX_BYTES = 1024 * 1024 - 4096

/** Keeps the line breaks of a multi-line message (a list of input problems) in HTML. */
function multiline(text: string): string {
  return h(text).replace(/\n\s*/g, '<br>')
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return ''
  return ms < 100 ? '&lt; 0.1 s' : `${(ms / 1000).toFixed(1)} s`
}

/** Keeps one value from flooding the summary (an Azure error body, a health endpoint's answer). */
function clip(text: string, max: number): string {
  return text.length > max
    ? `${text.slice(0, max)}… (${text.length - max} more characters in the result output)`
    : text
}

/** The app's name, or "Container Apps job <name>": a job says what it is. */
export function targetName(target: NonNullable<RunReport['target']>): string {
  return `${target.kind === 'job' ? `${kindTitle('job')} ` : ''}<code>${h(target.app)}</code>`
}

/** The first line: the outcome and the target, short enough to read at a glance; the details follow it. */
function verdict(report: RunReport): string {
  const target = report.target
    ? ` ${targetName(report.target)} → <code>${h(report.target.cache)}</code>`
    : ' the run did not start'
  const failedChecks = report.checks.filter(c => c.status === 'failed').length
  const stepFailed = report.failure || report.steps.some(s => s.status === 'failed')
  if (!stepFailed && failedChecks && report.mode === 'apply')
    // Everything was written; what failed is the proof that it works.
    return `❌ Not verified:${target} (${failedChecks} of ${report.checks.length} checks failed)`
  if (!report.succeeded)
    return `❌ Not connected:${target}${failedChecks && !stepFailed ? ` (${failedChecks} of ${report.checks.length} checks failed)` : ''}`
  if (report.mode === 'plan') {
    const changes = report.steps.filter(s => s.status === 'planned').length
    return `📝 Plan for${target}: ${changes ? `${changes} step${changes > 1 ? 's' : ''} would change` : 'nothing to change'}`
  }
  if (report.mode === 'verify') return `✅ Verified:${target} is connected with Microsoft Entra ID`
  return report.outputs.changed
    ? `✅ Connected:${target} (changes applied and verified)`
    : `✅ Already connected:${target} (nothing to change, verified)`
}

/** A failure stands out in a table of passes. */
function status(value: string): string {
  return value === 'failed' ? `<b>${h(value)}</b>` : h(value)
}

function stepRow(s: StepRecord): string[] {
  const change =
    s.before !== undefined || s.after !== undefined
      ? `${h(clip(s.before ?? '', 500))} → ${h(clip(s.after ?? '', 500))}`
      : h(clip(s.detail ?? '', 500))
  return [`${STEP_ICON[s.status]} ${h(s.title)}`, status(s.status), change, seconds(s.durationMs)]
}

function checkRow(c: CheckRecord, max: number): string[] {
  return [`${CHECK_ICON[c.status]} ${h(c.title)}`, status(c.status), h(clip(c.evidence, max))]
}

function table(header: string[], rows: string[][]): string {
  const th = `<tr>${header.map(x => `<th>${x}</th>`).join('')}</tr>`
  return `<table>${th}${rows.map(r => `<tr>${r.map(x => `<td>${x}</td>`).join('')}</tr>`).join('')}</table>\n`
}

/** Renders the run as the job summary: verdict, steps, checks, fixes, links and how to use it from an app.
 *  Under GitHub's 1 MiB limit: a report that does not fit is rendered again without the optional parts and with
 *  long texts cut, so the verdict, the failures and their fixes always show. */
export function renderSummary(report: RunReport): string {
  for (const o of [
    { compact: false, max: 4000 },
    { compact: true, max: 2000 },
    { compact: true, max: 200 }
  ]) {
    const text = render(report, o)
    if (Buffer.byteLength(text) <= MAX_BYTES) return text
  }
  return `## ${verdict(report)}\n\n<p>The report was larger than GitHub's 1 MiB summary limit; see the <code>result</code> output.</p>\n`
}

function render(report: RunReport, o: { compact: boolean; max: number }): string {
  const parts: string[] = []
  parts.push(`## ${verdict(report)}\n`)
  const meta = [
    `mode <code>${h(report.mode)}</code>`,
    `duration ${seconds((report.finishedAt ?? Date.now()) - report.startedAt)}`
  ]
  if (report.outputs.revision) meta.push(`latest ready revision <code>${h(report.outputs.revision)}</code>`)
  if (report.clusteringPolicy) meta.push(`clustering policy <code>${h(report.clusteringPolicy)}</code>`)
  parts.push(`<p>${meta.join(' · ')}</p>\n`)
  if (isOssCluster(report.clusteringPolicy))
    parts.push(
      '<p>ℹ️ This Azure Managed Redis database is OSS-clustered: apps need a cluster-aware client (node-redis <code>createCluster</code>, redis-py <code>RedisCluster</code>; StackExchange.Redis handles it), which also connects to the shard ports (8500-8599) besides port 10000. A non-cluster client gets <code>MOVED</code> / <code>CROSSSLOT</code> errors.</p>\n'
    )

  const problems = [
    ...(report.failure
      ? [{ title: report.failure.title, message: report.failure.message, fix: report.failure.fix }]
      : []),
    ...report.steps
      .filter(s => s.status === 'failed' && s.error && s.error !== report.failure?.message)
      .map(s => ({ title: s.title, message: s.error ?? '', fix: s.fix })),
    ...report.checks
      .filter(c => c.status === 'failed')
      .map(c => ({ title: c.title, message: c.evidence, fix: c.fix }))
  ]
  if (problems.length) {
    parts.push('### What went wrong and how to fix it\n')
    parts.push(
      `<ul>${problems.map(p => `<li><b>${h(p.title)}</b>: ${multiline(clip(p.message, o.max))}${p.fix ? `<br>👉 <b>Fix:</b> ${h(clip(p.fix, o.max))}` : ''}</li>`).join('')}</ul>\n`
    )
  }
  if (report.steps.length) {
    parts.push('### Steps\n')
    parts.push(table(['Step', 'Status', 'Before → after', 'Duration'], report.steps.map(stepRow)))
  }
  if (report.variablesSet.length && !o.compact) {
    const variablesFailed = report.steps.some(s => s.id === 'variables' && s.status === 'failed')
    const label = report.mode === 'plan' ? 'to set' : variablesFailed ? 'sent' : 'set'
    parts.push(`<details><summary>Variables ${label} (${report.variablesSet.length})</summary>\n\n`)
    parts.push(
      table(
        ['Container', 'Variable', 'Before', 'After'],
        report.variablesSet.map(v => [
          h(v.container),
          `<code>${h(v.name)}</code>`,
          h(clip(v.before ?? '(unset)', 500)),
          h(clip(v.after, 500))
        ])
      )
    )
    parts.push('</details>\n')
  }
  if (report.checks.length) {
    parts.push('### Checks\n')
    parts.push(
      table(
        ['Check', 'Result', 'Evidence'],
        report.checks.map(c => checkRow(c, o.max))
      )
    )
  }
  if (report.traffic) parts.push(`<p>Traffic: ${h(report.traffic)}</p>\n`)
  if (report.warnings.length)
    parts.push(`<blockquote>${report.warnings.map(w => `⚠️ ${h(w)}`).join('<br>')}</blockquote>\n`)
  const links = [
    report.links.app ? `<a href="${h(report.links.app)}">${kindTitle(report.target?.kind ?? 'app')}</a>` : '',
    report.links.cache ? `<a href="${h(report.links.cache)}">Redis cache</a>` : '',
    report.links.identity ? `<a href="${h(report.links.identity)}">User-assigned identity</a>` : ''
  ].filter(Boolean)
  if (links.length) parts.push(`<p>Azure portal: ${links.join(' · ')}</p>\n`)
  const snippets = usageSnippets(report)
  if (snippets.length && report.succeeded && !o.compact) {
    parts.push('<details><summary>Use it from your app</summary>\n\n')
    for (const s of snippets)
      parts.push(`<p><b>${h(s.language)}</b></p><pre><code>${h(s.code)}</code></pre>\n`)
    parts.push('</details>\n')
  }
  return parts.join('\n')
}
