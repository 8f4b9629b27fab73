import { withProgress, type Progress } from '../progress.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'

const TITLE = 'Health URL answers 2xx'
/** How much of a failing answer's body is kept as evidence (apps often say why they are unhealthy). */
const BODY_CHARS = 300

/** GETs the URL until it answers 2xx or the deadline passes, backing off from 1 s to 10 s. */
export function checkHealthUrl(
  ctx: RunContext,
  url: string,
  fetchImpl: typeof fetch = fetch
): Promise<CheckRecord> {
  return withProgress(`${url} to answer 2xx`, progress => poll(ctx, url, fetchImpl, progress))
}

async function poll(
  ctx: RunContext,
  url: string,
  fetchImpl: typeof fetch,
  progress: Progress
): Promise<CheckRecord> {
  const started = ctx.deadline.now()
  const seen: string[] = []
  let lastBody = ''
  let delay = 1000
  for (let attempt = 1; ; attempt++) {
    const remaining = ctx.deadline.remainingMs()
    try {
      const response = await fetchImpl(url, {
        redirect: 'manual',
        signal: AbortSignal.any([
          ctx.deadline.signal,
          AbortSignal.timeout(Math.max(1, Math.min(10_000, remaining)))
        ])
      })
      seen.push(String(response.status))
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel()
        return {
          id: 'health-url',
          title: TITLE,
          status: 'passed',
          evidence: `${url} answered ${response.status} after ${plural(attempt, 'attempt')} in ${elapsed(ctx, started)} (statuses seen: ${compact(seen)})`
        }
      }
      lastBody = await readStart(response)
    } catch (error) {
      const e = error as { cause?: { code?: string }; name?: string }
      seen.push(e.cause?.code ?? e.name ?? 'error')
    }
    progress.seen(`statuses seen: ${compact(seen)}`)
    if (ctx.deadline.expired || ctx.deadline.remainingMs() <= delay) {
      return {
        id: 'health-url',
        title: TITLE,
        status: 'failed',
        evidence: `${url} did not answer 2xx in ${plural(attempt, 'attempt')} over ${elapsed(ctx, started)} (statuses seen: ${compact(seen)})${lastBody ? `; last answer: ${lastBody}` : ''}`,
        fix: healthFix(seen)
      }
    }
    await ctx.sleep(delay)
    delay = Math.min(delay * 2, 10_000)
  }
}

/** What to do depends on what came back: nothing at all, a redirect, a missing route, or an unhealthy app. */
function healthFix(seen: string[]): string {
  const statuses = seen.filter(s => /^\d+$/.test(s)).map(Number)
  if (!statuses.length)
    return 'The runner could not reach the URL at all: check the URL, that the app has external ingress (or that the runner can reach internal ingress), and DNS/TLS. The Redis setup itself may be fine; see the other checks.'
  const last = statuses[statuses.length - 1]
  if (last >= 300 && last < 400)
    return 'The URL redirects (redirects are not followed): use the final URL, for example the https:// address of the health endpoint.'
  if (last === 401 || last === 403)
    return 'The health endpoint needs authentication (or ingress access restrictions block the runner): expose an anonymous health path.'
  if (last === 404) return 'The app answers, but not at this path: check the path of its health endpoint.'
  return 'Open the app logs (Log stream, or Console logs in Log Analytics): the revision with the Redis variables is running but the app reports unhealthy, often because it cannot authenticate to Redis — it must use the object id as the username and a token for https://redis.azure.com/.default, and refresh the token before it expires.'
}

async function readStart(response: Response): Promise<string> {
  try {
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader()
    if (!reader) return ''
    const chunks: Uint8Array[] = []
    let size = 0
    while (size < BODY_CHARS * 4) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
    await reader.cancel().catch(() => undefined)
    const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim()
    return text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS)}…` : text
  } catch {
    return ''
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function elapsed(ctx: RunContext, started: number): string {
  return `${((ctx.deadline.now() - started) / 1000).toFixed(1)} s`
}

/** "503 ×3, 200" rather than a long list. */
function compact(statuses: string[]): string {
  const runs: [string, number][] = []
  for (const s of statuses) {
    const last = runs[runs.length - 1]
    if (last && last[0] === s) last[1]++
    else runs.push([s, 1])
  }
  return runs.map(([s, n]) => (n > 1 ? `${s} ×${n}` : s)).join(', ')
}
