import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'

/** GETs the URL until it answers 2xx or the deadline passes, backing off from 1 s to 10 s. */
export async function checkHealthUrl(
  ctx: RunContext,
  url: string,
  fetchImpl: typeof fetch = fetch
): Promise<CheckRecord> {
  const started = Date.now()
  const seen: string[] = []
  let delay = 1000
  for (let attempt = 1; ; attempt++) {
    const remaining = ctx.deadline.remainingMs()
    try {
      const response = await fetchImpl(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1, Math.min(10_000, remaining)))
      })
      await response.body?.cancel()
      seen.push(String(response.status))
      if (response.status >= 200 && response.status < 300) {
        return {
          id: 'health-url',
          title: 'Health URL answers 2xx',
          status: 'passed',
          evidence: `${url} answered ${response.status} after ${attempt} attempt${attempt > 1 ? 's' : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s (statuses seen: ${compact(seen)})`
        }
      }
    } catch (error) {
      const e = error as { cause?: { code?: string }; name?: string }
      seen.push(e.cause?.code ?? e.name ?? 'error')
    }
    if (ctx.deadline.remainingMs() <= delay) {
      return {
        id: 'health-url',
        title: 'Health URL answers 2xx',
        status: 'failed',
        evidence: `${url} did not answer 2xx in ${attempt} attempts over ${((Date.now() - started) / 1000).toFixed(1)} s (statuses seen: ${compact(seen)})`,
        fix: 'Open the app logs: the revision with the Redis variables is running but the app reports unhealthy, often because it cannot authenticate to Redis (check that it uses the object id as the username and a token for https://redis.azure.com/.default).'
      }
    }
    await ctx.sleep(delay)
    delay = Math.min(delay * 2, 10_000)
  }
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
