// A plan run on a pull request posts the plan as one comment on it, and later runs update that comment.
// @actions/github is loaded only here, and only when a comment is due, so other runs do not pay for it.
import * as core from '@actions/core'
import type { getOctokit } from '@actions/github'
import { existsSync, readFileSync } from 'node:fs'
import { logSafe } from '../domain/text.js'
import { WORKLOADS } from '../domain/target.js'
import { escapeHtml as h, prose } from './escape.js'
import { table } from './markdown.js'
import type { RunReport, StepRecord } from './run-report.js'
import { inPlanComment } from './steps.js'
import { verdictMarkdown } from './verdict.js'

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']
/** GitHub refuses a comment body of more than 65,536 characters. */
const MAX_BODY = 65_536
/** The whole conversation with the API (find, then create or update) gets this long. */
const TIMEOUT_MS = 30_000
const PERMISSION_FIX = 'add `permissions: pull-requests: write` to the job (or the workflow)'
/**
 * Who GITHUB_TOKEN comments as: it is an installation token of the GitHub Actions app (GitHub docs, "Automatic
 * token authentication"), whose comments are by `github-actions[bot]`.
 */
const GITHUB_TOKEN_LOGIN = 'github-actions[bot]'

export function isPullRequestEvent(env: NodeJS.ProcessEnv = process.env): boolean {
  return PULL_REQUEST_EVENTS.includes(env.GITHUB_EVENT_NAME ?? '')
}

/** Names the comment of one app and cache, so that steps for different apps each keep their own. */
export function planMarker(target: NonNullable<RunReport['target']>): string {
  // A job's part is "job:<name>", so it never shares a comment with an app of the same name (apps keep theirs).
  const name = `${WORKLOADS[target.kind].markerPrefix}${target.app}`
  const key = [target.resourceGroup, name, target.cacheResourceGroup, target.cache]
    .map(part => encodeURIComponent(part))
    .join('/')
  return `<!-- connect-container-app-redis:plan:${key} -->`
}

/** An input the runner did not expand (as a local launcher passes `${{ github.token }}`) is no token. */
function readToken(): string | undefined {
  const token = core.getInput('github-token')
  if (!token) {
    core.info('The github-token input is empty, so the plan is not posted on the pull request.')
    return undefined
  }
  if (/\$\{\{.*\}\}/s.test(token)) {
    core.warning(
      'The github-token input is an expression that was not expanded, so the plan is not posted on the pull request. ' +
        'Pass a token, for example github-token: ${{ github.token }}.',
      { title: 'Plan not posted on the pull request' }
    )
    return undefined
  }
  return token
}

interface PullRequest {
  number: number
  head?: { sha?: string; repo?: { full_name?: string } | null }
  base?: { repo?: { full_name?: string } }
}

/** The event's pull request, when it has one with a number. */
function pullRequestOf(event: unknown): PullRequest | undefined {
  if (typeof event !== 'object' || event === null || !('pull_request' in event)) return undefined
  const pr = event.pull_request
  if (typeof pr !== 'object' || pr === null || !('number' in pr)) return undefined
  const { number } = pr
  return typeof number === 'number' ? { ...pr, number } : undefined
}

/**
 * The run and its event, from the runner's variables as they are when the comment is due. (@actions/github's
 * `context` holds the same, but read once, when its module loads: stale in a process that runs the action more
 * than once, as the tests do.)
 */
function workflowRun(env: NodeJS.ProcessEnv = process.env) {
  const path = env.GITHUB_EVENT_PATH
  const event: unknown = path && existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com'
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    pr: pullRequestOf(event),
    owner,
    repo,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com'
  }
}

/** Posts or updates the plan comment. Never throws: a comment that cannot be posted is a warning. */
export async function commentPlanOnPullRequest(report: RunReport): Promise<void> {
  let number: number | undefined
  let fromFork = false
  try {
    if (!report.target) return
    const token = readToken()
    if (!token) return
    const { getOctokit } = await import('@actions/github')
    const { eventName, pr, owner, repo, runUrl, apiUrl } = workflowRun()
    if (!pr?.number) {
      core.warning(`The ${eventName} event has no pull request number, so the plan is not posted on it.`)
      return
    }
    number = pr.number
    const headRepo = pr.head?.repo?.full_name
    fromFork = eventName === 'pull_request' && headRepo !== pr.base?.repo?.full_name
    const marker = planMarker(report.target)
    const body = renderPlanComment(report, marker, { headSha: pr.head?.sha, runUrl })

    const octokit = getOctokit(token, { baseUrl: apiUrl })
    // Per request: a `request` option given to getOctokit would replace its proxy-aware fetch.
    const request = { signal: AbortSignal.timeout(TIMEOUT_MS) }
    const issue = { owner, repo, issue_number: number }
    // Only our own comment is ours to update: anyone can post a comment that starts with the marker.
    const login = await tokenLogin(octokit, request)
    const [existing] = await octokit.paginate(
      octokit.rest.issues.listComments,
      { ...issue, per_page: 100, request },
      (response, done) => {
        const found = response.data.filter(
          c => c.user?.login.toLowerCase() === login.toLowerCase() && c.body?.startsWith(marker)
        )
        if (found.length) done()
        return found
      }
    )
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing.id,
        body,
        request
      })
      core.info(`Updated the plan comment on pull request #${number}: ${logSafe(data.html_url)}`)
    } else {
      const { data } = await octokit.rest.issues.createComment({ ...issue, body, request })
      core.info(`Posted the plan on pull request #${number}: ${logSafe(data.html_url)}`)
    }
  } catch (error) {
    core.warning(commentFailure(error, number, fromFork), { title: 'Plan not posted on the pull request' })
  }
}

/**
 * The login the token acts as. GraphQL's `viewer` answers for every kind of token — GITHUB_TOKEN and other GitHub
 * App installation tokens (`<app>[bot]`) as well as personal tokens — whereas REST `GET /user` refuses
 * installation tokens (403 "Resource not accessible by integration"; actions/create-github-app-token#258).
 * Without an answer, the token is taken to be GITHUB_TOKEN, the input's default.
 */
async function tokenLogin(
  octokit: ReturnType<typeof getOctokit>,
  request: { signal: AbortSignal }
): Promise<string> {
  try {
    const { viewer } = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }', {
      request
    })
    return viewer.login
  } catch (error) {
    core.debug(
      `Could not ask GitHub who the token is (${(error as Error).message}); assuming ${GITHUB_TOKEN_LOGIN}.`
    )
    return GITHUB_TOKEN_LOGIN
  }
}

function commentFailure(error: unknown, number: number | undefined, fromFork: boolean): string {
  const status = (error as { status?: number })?.status
  const message = ((error as Error)?.message ?? String(error)).replace(
    /\s+-\s+https:\/\/docs\.github\.com\S*$/,
    ''
  )
  const what = `Could not post the plan on pull request${number ? ` #${number}` : ''}: ${message}${status ? ` (HTTP ${status})` : ''}.`
  const fork = fromFork
    ? ' This pull request comes from a fork, and GitHub gives workflows run for pull requests from forks a read-only token, whatever the permissions say; the plan is in the job summary.'
    : ''
  if (status === 401)
    return `${what} The github-token was not accepted: pass a valid token (the default, \${{ github.token }}, works).${fork}`
  if (status === 403 || status === 404)
    return `${what} The token may not comment on pull requests: ${PERMISSION_FIX}.${fork}`
  return `${what} The plan is in the job summary.${fork}`
}

/** Text from Azure or the inputs: escaped, and an @ can not mention anyone. */
function text(value: string, max: number): string {
  const clipped = value.length > max ? `${value.slice(0, max)}…` : value
  return h(clipped).replace(/@/g, '@&#8203;')
}

/** Text the action wrote (a fix): as `text`, with its `code spans` as code. */
function proseText(value: string, max: number): string {
  const clipped = value.length > max ? `${value.slice(0, max)}…` : value
  return prose(clipped).replace(/@/g, '@&#8203;')
}

/** A value (before, after): escaped in <code>, where GitHub neither mentions nor links. */
function value(v: string | undefined, max: number): string {
  return v === undefined ? '' : `<code>${text(v, max)}</code>`
}

const STEP_ICON: Record<string, string> = { planned: '📝', unchanged: '✅', failed: '❌', skipped: '⏭️' }

function stepRow(s: StepRecord, max: number): string[] {
  const change =
    s.before !== undefined || s.after !== undefined
      ? `${value(s.before ?? '', max)} → ${value(s.after ?? '', max)}`
      : text(s.detail ?? '', max)
  return [`${STEP_ICON[s.status] ?? '•'} ${h(s.title)}`, h(s.status), change]
}

/** The plan as the comment's Markdown: the marker, what would change, the variables, problems and warnings. */
export function renderPlanComment(
  report: RunReport,
  marker: string,
  about: { headSha?: string; runUrl?: string }
): string {
  for (const o of [
    { variables: true, max: 500 },
    { variables: false, max: 200 }
  ]) {
    const body = render(report, marker, about, o)
    if (body.length <= MAX_BODY) return body
  }
  return `${marker}\n### ${heading(report)}\n\nThe plan is too long for a comment; see the job summary of the run.\n`
}

function heading(report: RunReport): string {
  return verdictMarkdown(report)
}

function render(
  report: RunReport,
  marker: string,
  about: { headSha?: string; runUrl?: string },
  o: { variables: boolean; max: number }
): string {
  const parts = [marker, `### ${heading(report)}\n`]
  const problems = [
    ...(report.failure ? [report.failure] : []),
    ...report.steps
      .filter(s => s.status === 'failed' && s.error && s.error !== report.failure?.message)
      .map(s => ({ title: s.title, message: s.error ?? '', fix: s.fix }))
  ]
  if (problems.length)
    parts.push(
      `<ul>${problems.map(p => `<li><b>${text(p.title, 200)}</b>: ${proseText(p.message, o.max * 4)}${p.fix ? `<br>👉 <b>Fix:</b> ${proseText(p.fix, o.max * 4)}` : ''}</li>`).join('')}</ul>\n`
    )
  const steps = report.steps.filter(s => inPlanComment(s.id))
  if (steps.length)
    parts.push(
      table(
        ['Step', 'Status', 'Before → after'],
        steps.map(s => stepRow(s, o.max))
      )
    )
  if (report.variablesSet.length) {
    parts.push(`<details><summary>Variables to set (${report.variablesSet.length})</summary>\n`)
    if (o.variables)
      parts.push(
        table(
          ['Container', 'Variable', 'Before', 'After'],
          report.variablesSet.map(v => [
            text(v.container, 100),
            value(v.name, 100),
            v.before === undefined ? '(unset)' : value(v.before, o.max),
            value(v.after, o.max)
          ])
        )
      )
    else parts.push('Too many to show here; see the job summary.\n')
    parts.push('</details>\n')
  }
  if (report.warnings.length)
    parts.push(
      `<blockquote>${report.warnings.map(w => `⚠️ ${proseText(w, o.max * 2)}`).join('<br>')}</blockquote>\n`
    )
  const footer = [
    report.target
      ? `resource groups <code>${h(report.target.resourceGroup)}</code> → <code>${h(report.target.cacheResourceGroup)}</code>`
      : '',
    about.headSha ? `commit <code>${h(about.headSha.slice(0, 7))}</code>` : '',
    about.runUrl ? `<a href="${h(about.runUrl)}">the run and its job summary</a>` : '',
    'updated on every push'
  ].filter(Boolean)
  parts.push(`<sub>${footer.join(' · ')}</sub>\n`)
  return parts.join('\n')
}
