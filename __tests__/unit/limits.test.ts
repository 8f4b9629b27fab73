import { describe, expect, it } from '@jest/globals'
import { shortenUntilFits } from '../../src/report/limits.js'

describe('shortenUntilFits', () => {
  it('cuts long texts in place until the result fits, and the JSON stays valid', () => {
    const report = {
      failure: { title: 'New revision', message: `crashed: ${'frame '.repeat(100_000)}` },
      steps: [{ id: 'revision', error: 'y'.repeat(50_000) }],
      outputs: { revision: 'orders-api--abc' }
    }
    shortenUntilFits([report], () => JSON.stringify(report).length <= 10_000)
    const json = JSON.stringify(report)
    expect(json.length).toBeLessThanOrEqual(10_000)
    expect(JSON.parse(json)).toMatchObject({ outputs: { revision: 'orders-api--abc' } })
    expect(report.failure.message).toMatch(/^crashed: frame .*characters left out\)$/)
  })
})
