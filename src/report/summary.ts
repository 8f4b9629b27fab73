import { isOssCluster } from '../azure/managed-redis.js'
import { WORKLOADS } from '../domain/target.js'
import { escapeHtml as h, prose } from './escape.js'
import { codeBlock, codeValue, details, link, table } from './markdown.js'
import type { CheckRecord, CheckStatus, RunReport, StepRecord, StepStatus } from './run-report.js'
import { usageSnippets } from './usage-snippets.js'
import { mayHaveWritten, verdictMarkdown } from './verdict.js'

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

/** "0.4 s", "14.2 s", "2 min 05 s": how long a step or the run took (plain text). */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return ''
  if (ms < 100) return '< 0.1 s'
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

/** Keeps one value from flooding the summary (an Azure error body, a health endpoint's answer). */
function clip(text: string, max: number): string {
  return text.length > max
    ? `${text.slice(0, max)}… (${text.length - max} more characters in the result output)`
    : text
}

/** The app's name, or "Container Apps job <name>": a job says what it is. */
export function targetName(target: NonNullable<RunReport['target']>): string {
  return `${WORKLOADS[target.kind].namePrefix}<code>${h(target.app)}</code>`
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
  return [`${STEP_ICON[s.status]} ${h(s.title)}`, status(s.status), change, h(duration(s.durationMs))]
}

function checkRow(c: CheckRecord, max: number): string[] {
  return [`${CHECK_ICON[c.status]} ${h(c.title)}`, status(c.status), h(clip(c.evidence, max))]
}

/** The revision the run made, or failed to make; else the latest ready one. */
function revisionOf(report: RunReport): { name: string; made: boolean; failed: boolean } | undefined {
  const step = report.steps.find(s => s.id === 'revision')
  if (step?.after)
    return { name: step.after, made: step.status === 'created', failed: step.status === 'failed' }
  const failed = report.checks.some(c => c.id === 'revision' && c.status === 'failed')
  return report.outputs.revision ? { name: report.outputs.revision, made: false, failed } : undefined
}

/** What users click first: the app's address, the revision, the resources in the portal. */
function linksLine(report: RunReport): string {
  const parts: string[] = []
  if (report.links.appUrl) parts.push(`🌐 ${link(report.links.appUrl, h(report.links.appUrl))}`)
  const revision = revisionOf(report)
  if (revision && WORKLOADS[report.target?.kind ?? 'app'].hasRevisions) {
    const label = revision.made
      ? 'new revision'
      : revision.failed
        ? 'failed revision'
        : 'latest ready revision'
    const name = `<code>${h(revision.name)}</code>`
    parts.push(`${label} ${report.links.revisions ? link(report.links.revisions, name) : name}`)
  }
  const portal = [
    report.links.app ? link(report.links.app, WORKLOADS[report.target?.kind ?? 'app'].title) : '',
    report.links.cache ? link(report.links.cache, 'Redis cache') : '',
    report.links.identity ? link(report.links.identity, 'User-assigned identity') : ''
  ].filter(Boolean)
  if (portal.length) parts.push(`Azure portal: ${portal.join(' · ')}`)
  return parts.length ? `<p>${parts.join(' · ')}</p>\n` : ''
}

/** A revision that failed or never became ready, by name when the run knows it. */
function troubledRevision(report: RunReport): { name?: string } | undefined {
  const revision = revisionOf(report)
  if (revision?.failed) return { name: revision.name }
  // A wait for a revision that a step did before failing (disconnect's, or one that ran out of time).
  const step = report.steps.find(s => s.status === 'failed' && /revision/i.test(s.error ?? ''))
  if (!step) return undefined
  return { name: /revision ([a-z0-9][a-z0-9-]*--[a-z0-9]+)/i.exec(step.error ?? '')?.[1] }
}

/** On a revision that failed or never became ready: where its logs are. */
function revisionLogs(report: RunReport): string {
  const target = report.target
  const troubled = troubledRevision(report)
  if (!target || !WORKLOADS[target.kind].hasRevisions || !troubled) return ''
  const command = (type: string) =>
    `az containerapp logs show --name ${codeValue(target.app)} --resource-group ${codeValue(target.resourceGroup)}${troubled.name ? ` --revision ${codeValue(troubled.name)}` : ''} --type ${type} --tail 100`
  const stream = report.links.logStream
    ? `${link(report.links.logStream, 'Log stream')} in the portal, or `
    : ''
  return [
    `<p>Why the revision did not start: ${stream}its system log (scheduling, image pull, probes) and its console log (what the app printed):</p>\n`,
    codeBlock('sh', `${command('system')}\n${command('console')}`)
  ].join('\n')
}

/** Renders one app's report: verdict, links, problems and fixes, steps, variables, checks, and how to use it.
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
  return `## ${verdictMarkdown(report)}\n\n<p>The report was larger than GitHub's 1 MiB summary limit; see the <code>result</code> output.</p>\n`
}

function problemsOf(
  report: RunReport
): { title: string; message: string; fix?: string; evidence?: boolean }[] {
  return [
    ...(report.failure ? [report.failure] : []),
    ...report.steps
      .filter(s => s.status === 'failed' && s.error && s.error !== report.failure?.message)
      .map(s => ({ title: s.title, message: s.error ?? '', fix: s.fix })),
    ...report.checks
      .filter(c => c.status === 'failed')
      .map(c => ({ title: c.title, message: c.evidence, fix: c.fix, evidence: true }))
  ]
}

function variablesSection(report: RunReport): string {
  if (!report.variablesSet.length) return ''
  const n = report.variablesSet.length
  const kind = report.modeTraits.variables
  if (kind === 'removed') {
    const rows = report.variablesSet.map(v => [
      h(v.container),
      `<code>${h(v.name)}</code>`,
      h(clip(v.before ?? '', 500))
    ])
    return details(`Variables removed (${n})`, table(['Container', 'Variable', 'Value removed'], rows))
  }
  const variablesFailed = report.steps.some(s => s.id === 'variables' && s.status === 'failed')
  const label = kind === 'set' && variablesFailed ? 'sent' : kind
  const rows = report.variablesSet.map(v => [
    h(v.container),
    `<code>${h(v.name)}</code>`,
    h(clip(v.before ?? '(unset)', 500)),
    h(clip(v.after, 500))
  ])
  return details(`Variables ${label} (${n})`, table(['Container', 'Variable', 'Before', 'After'], rows))
}

/** Client code that reads the variables this run set: only once the app is connected. */
function usageSection(report: RunReport): string {
  if (!report.succeeded || !report.modeTraits.showsUsage) return ''
  const snippets = usageSnippets(report)
  if (!snippets.length) return ''
  const body = snippets
    .map(s => `<p><b>${prose(s.language)}</b></p>\n\n${codeBlock(s.lang, s.code)}`)
    .join('\n')
  return details('Use it from your app', body)
}

function render(report: RunReport, o: { compact: boolean; max: number }): string {
  const parts: string[] = [`## ${verdictMarkdown(report)}\n`]
  const meta = [
    ...(report.mode ? [`mode <code>${h(report.mode)}</code>`] : []),
    `duration ${h(duration((report.finishedAt ?? Date.now()) - report.startedAt))}`
  ]
  // Waiting for other apps' writes to the cache is worth a word only when there was some.
  if (report.cacheQueue && report.cacheQueue.waitedMs >= 1000)
    meta.push(
      h(
        `cache queue: waited ${duration(report.cacheQueue.waitedMs)}, writing ${duration(report.cacheQueue.workedMs)}`
      )
    )
  if (report.clusteringPolicy) meta.push(`clustering policy <code>${h(report.clusteringPolicy)}</code>`)
  parts.push(`<p>${meta.join(' · ')}</p>\n`)
  const links = linksLine(report)
  if (links) parts.push(links)
  if (isOssCluster(report.clusteringPolicy))
    parts.push(
      '<p>ℹ️ This Azure Managed Redis database is OSS-clustered: apps need a cluster-aware client (node-redis <code>createCluster</code>, redis-py <code>RedisCluster</code>; StackExchange.Redis handles it), which also connects to the shard ports (8500-8599) besides port 10000. A non-cluster client gets <code>MOVED</code> / <code>CROSSSLOT</code> errors.</p>\n'
    )

  const problems = problemsOf(report)
  if (problems.length) {
    parts.push('### What went wrong and how to fix it\n')
    parts.push(
      `<ul>${problems
        .map(p => {
          const message = p.evidence ? h(clip(p.message, o.max)) : prose(clip(p.message, o.max))
          return `<li><b>${h(p.title)}</b>: ${message}${p.fix ? `<br>👉 <b>Fix:</b> ${prose(clip(p.fix, o.max))}` : ''}</li>`
        })
        .join('')}</ul>\n`
    )
    if (report.failure && !mayHaveWritten(report)) parts.push('<p>Nothing was written to Azure.</p>\n')
    const logs = revisionLogs(report)
    if (logs) parts.push(logs)
  }
  if (report.steps.length) {
    parts.push('### Steps\n')
    parts.push(table(['Step', 'Status', 'Before → after', 'Duration'], report.steps.map(stepRow)))
  }
  if (!o.compact) {
    const variables = variablesSection(report)
    if (variables) parts.push(variables)
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
    parts.push(`<blockquote>${report.warnings.map(w => `⚠️ ${prose(w)}`).join('<br>')}</blockquote>\n`)
  if (!o.compact) {
    const usage = usageSection(report)
    if (usage) parts.push(usage)
  }
  return parts.join('\n')
}
