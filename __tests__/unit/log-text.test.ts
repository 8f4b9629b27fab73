import { describe, expect, it } from '@jest/globals'
import { logSafe } from '../../src/domain/text.js'
import { parseCommandLine } from '../../launcher/workflow-commands.ts'

describe('logSafe', () => {
  const HOSTILE =
    'fine\n::add-mask::secret\r::stop-commands::x\r\n  ::error::boom\u2028::warning::w\u001b[31m'
  it('leaves no line that the runner would read as a workflow command', () => {
    const line = `Could not get the token: ${logSafe(HOSTILE)}`
    const lines = line.split(/\r\n|\r|\n/)
    expect(lines).toHaveLength(1)
    expect(lines.map(parseCommandLine).filter(Boolean)).toEqual([])
    // Even alone at the start of a line, the text is no command.
    expect(parseCommandLine(logSafe('::add-mask::secret'))).toBeUndefined()
    expect(line).toContain('fine')
    expect(line).toContain('\\u001b[31m')
  })

  it('cuts very long text, saying how much was left out', () => {
    expect(logSafe('x'.repeat(5000))).toMatch(/^x{2000}… \(3000 characters left out\)$/)
  })
})
