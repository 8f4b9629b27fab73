// GitHub shows at most 10 annotations of each kind per step: with many apps, the last one stands for the rest.
import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { annotate, PER_KIND } from '../../src/report/annotations.js'
import { RunReport } from '../../src/report/run-report.js'

function report(app: string, o: { changed?: boolean; failed?: boolean; warning?: string }): RunReport {
  const r = new RunReport()
  r.mode = 'apply'
  r.target = {
    app,
    kind: 'app',
    resourceGroup: 'rg-apps',
    cache: 'orders-cache',
    cacheResourceGroup: 'rg-data',
    subscriptionId: '00000000-0000-0000-0000-000000000000'
  }
  if (o.changed)
    r.step({
      id: 'identity',
      title: 'Managed identity',
      status: 'updated',
      before: 'none',
      after: 'system-assigned'
    })
  if (o.failed) r.fail('Could not write the access policy assignment', `${app}: refused`, 'Rerun.')
  if (o.warning) r.warnings.push(o.warning)
  return r
}

/** The workflow commands the run printed, by kind. */
function commands(run: () => void): Record<string, string[]> {
  const lines: string[] = []
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    lines.push(String(chunk))
    return true
  })
  try {
    run()
  } finally {
    write.mockRestore()
  }
  const byKind: Record<string, string[]> = { error: [], warning: [], notice: [] }
  for (const line of lines) {
    const m = /^::(error|warning|notice)( [^:]*)?::/.exec(line)
    if (m) byKind[m[1]].push(line.trim())
  }
  return byKind
}

afterEach(() => {
  jest.restoreAllMocks()
})

describe('annotations', () => {
  it('one per app that changed or failed, and the warnings once each', () => {
    const reports = [
      report('a', { changed: true, warning: 'the cache rebooted' }),
      report('b', { failed: true, warning: 'the cache rebooted' })
    ]
    const out = commands(() => annotate(reports))
    expect(out.notice).toHaveLength(1)
    expect(out.notice[0]).toContain('title=Connected%3A a → orders-cache')
    expect(out.error).toHaveLength(1)
    expect(out.error[0]).toContain(
      'title=b%3A Could not write the access policy assignment::b: refused%0AFix: Rerun.'
    )
    expect(out.warning).toEqual(['::warning::the cache rebooted'])
  })

  it(`never more than ${PER_KIND} of a kind: the last names the apps it stands for`, () => {
    const many = Array.from({ length: 13 }, (_, i) =>
      report(`app-${i}`, { changed: i % 2 === 0, failed: i % 2 === 1, warning: `warning ${i}` })
    )
    // 7 changed, 6 failed, 13 warnings
    const out = commands(() =>
      annotate([...many, ...Array.from({ length: 6 }, (_, i) => report(`new-${i}`, { changed: true }))])
    )
    expect(out.notice).toHaveLength(PER_KIND)
    expect(out.notice.at(-1)).toBe(
      "::notice title=4 more apps changed::new-2, new-3, new-4, new-5: see each one's report in the job summary."
    )
    expect(out.error).toHaveLength(6)
    expect(out.warning).toHaveLength(PER_KIND)
    expect(out.warning.at(-1)).toBe('::warning::4 more warnings: see the job summary.')
  })
})
