import { describe, expect, it } from '@jest/globals'
import { isPullRequestEvent, planMarker, renderPlanComment } from '../../src/report/pr-comment.js'
import { RunReport } from '../../src/report/run-report.js'
import { heading, hrefs, textOf, view } from '../e2e/github-view.ts'

const target = {
  app: 'orders-api',
  kind: 'app' as const,
  resourceGroup: 'rg-apps',
  cache: 'orders-cache',
  cacheResourceGroup: 'rg-data',
  subscriptionId: '00000000-0000-0000-0000-000000000000'
}

function planReport(): RunReport {
  const report = new RunReport()
  report.mode = 'plan'
  report.target = target
  report.step({
    id: 'identity',
    title: 'Managed identity',
    status: 'planned',
    before: 'none',
    after: 'system'
  })
  return report
}

describe('plan comment', () => {
  it('is for pull_request and pull_request_target events only', () => {
    expect(isPullRequestEvent({ GITHUB_EVENT_NAME: 'pull_request' })).toBe(true)
    expect(isPullRequestEvent({ GITHUB_EVENT_NAME: 'pull_request_target' })).toBe(true)
    expect(isPullRequestEvent({ GITHUB_EVENT_NAME: 'push' })).toBe(false)
    expect(isPullRequestEvent({})).toBe(false)
  })

  it('has one marker per app and cache, resource groups included', () => {
    expect(planMarker(target)).toBe(
      '<!-- connect-container-app-redis:plan:rg-apps/orders-api/rg-data/orders-cache -->'
    )
    expect(planMarker({ ...target, resourceGroup: 'rg-prod' })).not.toBe(planMarker(target))
    expect(planMarker({ ...target, resourceGroup: 'rg-(ä)' })).toContain('rg-(%C3%A4)/')
  })

  it('starts with the marker and escapes values from Azure and the inputs', () => {
    const report = planReport()
    report.variablesSet.push({
      container: 'api',
      name: 'REDIS_HOST',
      before: '<img src=x> @octocat',
      after: 'h'
    })
    report.warnings.push('ping @admins | <b>now</b>')
    const body = renderPlanComment(report, planMarker(target), { headSha: '0123456789abcdef' })
    expect(body.startsWith(`${planMarker(target)}\n`)).toBe(true)
    expect(body).toContain('1 step would change')
    expect(body).toContain('commit <code>0123456</code>')
    expect(body).toContain('<code>&lt;img src=x&gt; @&#8203;octocat</code>')
    expect(body).toContain('ping @&#8203;admins &#124; &lt;b&gt;now&lt;/b&gt;')
    expect(body).not.toMatch(/<img|<b>now/)
  })

  it('renders as GitHub shows it: a hostile value with blank lines stays in its cell, fixes show their code', () => {
    const report = planReport()
    const hostile =
      'x\n\n# Heading\n\n![i](https://evil.example/i.png) [a](https://evil.example) @octocat\n\n<img src=x>'
    report.variablesSet.push({ container: 'api', name: 'REDIS_HOST', before: hostile, after: 'h' })
    report.warnings.push('Set `enable-entra-auth: true` to turn it on.')
    const html = view(
      renderPlanComment(report, planMarker(target), { runUrl: 'https://github.com/o/r/actions/runs/1' })
    )
    expect(heading(html, 3)).toBe('📝 Plan: orders-api → orders-cache (1 step would change)')
    expect(html).not.toMatch(/<h[124]|<img/)
    expect(hrefs(html)).toEqual(['https://github.com/o/r/actions/runs/1'])
    expect(html).toContain('<code>enable-entra-auth: true</code>')
    const cell = /<td><code>REDIS_HOST<\/code><\/td><td><code>([^<]*)<\/code><\/td>/.exec(html)?.[1] ?? ''
    expect(textOf(cell)).toBe(hostile.replace('@', '@\u200b'))
  })

  it('stays under GitHub’s 65,536 characters', () => {
    const report = planReport()
    for (let i = 0; i < 500; i++)
      report.variablesSet.push({
        container: `c${i}`,
        name: `V${i}`,
        before: 'x'.repeat(400),
        after: 'y'.repeat(400)
      })
    const body = renderPlanComment(report, planMarker(target), {})
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body).toContain('Variables to set (500)')
    expect(body).toContain('see the job summary')
  })
})
