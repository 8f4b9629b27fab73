// The result and the summary stay within GitHub's limits (1 MB per output, 1 MiB per step summary).
import { afterEach, describe, expect, it } from '@jest/globals'
import { APP, startWorld, stopWorlds } from '../../launcher/world.ts'

afterEach(stopWorlds)

describe('size bounds (GitHub: 1 MiB per step summary, 1 MB per output)', () => {
  it('a huge failure text from Azure: the result stays valid JSON within 1 MB, the summary within 1 MiB', async () => {
    const world = await startWorld()
    const huge = `Container 'api' crashed: ${'stack frame '.repeat(200_000)}`
    world.sandbox.failRevisions('rg-apps', APP, { reason: huge })
    const run = await world.run()
    expect(run.exitCode).toBe(1)
    expect(Buffer.byteLength(run.outputs.result)).toBeLessThanOrEqual(1_000_000)
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024)
    // Valid JSON that still says what failed, and that it was shortened.
    const result = JSON.parse(run.outputs.result) as { failure?: { message: string } }
    expect(result.failure?.message).toContain("Container 'api' crashed")
    expect(result.failure?.message).toMatch(/characters left out/)
    expect(run.summary).toContain('crashed: stack frame')
  }, 60_000)
})
