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
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`
}

function verdict(report: RunReport): string {
  const target = report.target
    ? ` <code>${h(report.target.app)}</code> → <code>${h(report.target.cache)}</code>`
    : ' the run did not start'
  if (report.failure || !report.succeeded) {
    const what =
      report.failure?.title ??
      report.checks.find(c => c.status === 'failed')?.title ??
      report.steps.find(s => s.status === 'failed')?.title ??
      'the run'
    return `❌ Not connected:${target}. Failed: ${h(what)}`
  }
  if (report.mode === 'plan') {
    const changes = report.steps.filter(s => s.status === 'planned').length
    return `📝 Plan for${target}: ${changes ? `${changes} step${changes > 1 ? 's' : ''} would change` : 'nothing to change'}`
  }
  if (report.mode === 'verify') return `✅ Verified:${target} is connected with Microsoft Entra ID`
  return report.outputs.changed
    ? `✅ Connected:${target} (changes applied and verified)`
    : `✅ Already connected:${target} (nothing to change, verified)`
}

function stepRow(s: StepRecord): string[] {
  const change =
    s.before !== undefined || s.after !== undefined
      ? `${h(s.before ?? '')} → ${h(s.after ?? '')}`
      : h(s.detail ?? '')
  return [`${STEP_ICON[s.status]} ${h(s.title)}`, h(s.status), change, seconds(s.durationMs)]
}

function checkRow(c: CheckRecord): string[] {
  return [`${CHECK_ICON[c.status]} ${h(c.title)}`, h(c.status), h(c.evidence)]
}

function table(header: string[], rows: string[][]): string {
  const th = `<tr>${header.map(x => `<th>${x}</th>`).join('')}</tr>`
  return `<table>${th}${rows.map(r => `<tr>${r.map(x => `<td>${x}</td>`).join('')}</tr>`).join('')}</table>\n`
}

/** Renders the run as the job summary: verdict, steps, checks, fixes, links and how to use it from an app. */
export function renderSummary(report: RunReport): string {
  const parts: string[] = []
  parts.push(`## ${verdict(report)}\n`)
  const meta = [
    `mode <code>${h(report.mode)}</code>`,
    `duration ${seconds((report.finishedAt ?? Date.now()) - report.startedAt)}`
  ]
  if (report.outputs.revision) meta.push(`revision <code>${h(report.outputs.revision)}</code>`)
  parts.push(`<p>${meta.join(' · ')}</p>\n`)

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
      `<ul>${problems.map(p => `<li><b>${h(p.title)}</b>: ${multiline(p.message)}${p.fix ? `<br>👉 <b>Fix:</b> ${h(p.fix)}` : ''}</li>`).join('')}</ul>\n`
    )
  }
  if (report.steps.length) {
    parts.push('### Steps\n')
    parts.push(table(['Step', 'Status', 'Before → after', 'Duration'], report.steps.map(stepRow)))
  }
  if (report.variablesSet.length) {
    parts.push(
      `<details><summary>Variables ${report.mode === 'plan' ? 'to set' : 'set'} (${report.variablesSet.length})</summary>\n\n`
    )
    parts.push(
      table(
        ['Container', 'Variable', 'Before', 'After'],
        report.variablesSet.map(v => [
          h(v.container),
          `<code>${h(v.name)}</code>`,
          h(v.before ?? '(unset)'),
          h(v.after)
        ])
      )
    )
    parts.push('</details>\n')
  }
  if (report.checks.length) {
    parts.push('### Checks\n')
    parts.push(table(['Check', 'Result', 'Evidence'], report.checks.map(checkRow)))
  }
  if (report.traffic) parts.push(`<p>Traffic: ${h(report.traffic)}</p>\n`)
  if (report.warnings.length)
    parts.push(`<blockquote>${report.warnings.map(w => `⚠️ ${h(w)}`).join('<br>')}</blockquote>\n`)
  const links = [
    report.links.app ? `<a href="${h(report.links.app)}">Container app</a>` : '',
    report.links.cache ? `<a href="${h(report.links.cache)}">Redis cache</a>` : '',
    report.links.identity ? `<a href="${h(report.links.identity)}">User-assigned identity</a>` : ''
  ].filter(Boolean)
  if (links.length) parts.push(`<p>Azure portal: ${links.join(' · ')}</p>\n`)
  const snippets = usageSnippets(report)
  if (snippets.length && report.succeeded) {
    parts.push('<details><summary>Use it from your app</summary>\n\n')
    for (const s of snippets)
      parts.push(`<p><b>${h(s.language)}</b></p><pre><code>${h(s.code)}</code></pre>\n`)
    parts.push('</details>\n')
  }
  const text = parts.join('\n')
  if (Buffer.byteLength(text) <= MAX_BYTES) return text
  return `## ${verdict(report)}\n\n<p>The full report was larger than GitHub's 1 MiB summary limit; see the <code>result</code> output.</p>\n`
}
