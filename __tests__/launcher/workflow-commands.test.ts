import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  parseCommandLine,
  parseWorkflowCommands,
  unescapeData,
  unescapeProperty
} from '../../launcher/workflow-commands.ts'

// The escaping of @actions/core's command.ts, which the runner undoes.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

describe('workflow command lines', () => {
  it('parses command, properties and message', () => {
    expect(parseCommandLine('::error title=T,file=src/a.ts,line=3::it broke')).toEqual({
      command: 'error',
      properties: { title: 'T', file: 'src/a.ts', line: '3' },
      message: 'it broke'
    })
    expect(parseCommandLine('::warning::w')).toEqual({ command: 'warning', properties: {}, message: 'w' })
    expect(parseCommandLine('::endgroup::')).toEqual({ command: 'endgroup', properties: {}, message: '' })
  })

  it('undoes the escapes: %25 %0D %0A in messages, also %3A %2C in properties', () => {
    expect(parseCommandLine('::error title=a%3Ab%2Cc%25::x%0Ay%0Dz 100%25 %3A')).toEqual({
      command: 'error',
      properties: { title: 'a:b,c%' },
      message: 'x\ny\rz 100% %3A'
    })
    // %250A is an escaped literal "%0A", not a newline
    expect(unescapeData('%250A')).toBe('%0A')
  })

  it('keeps "::" inside the message and ignores leading whitespace', () => {
    expect(parseCommandLine('   ::notice::a::b')).toEqual({
      command: 'notice',
      properties: {},
      message: 'a::b'
    })
  })

  it('drops property pairs without a key or value, like the runner', () => {
    expect(parseCommandLine('::error =x,title=,file=f,,line=1=2::m')?.properties).toEqual({
      file: 'f',
      line: '1=2'
    })
  })

  it('is not fooled by ordinary output or unknown commands', () => {
    expect(parseCommandLine('hello ::error::x')).toBeUndefined()
    expect(parseCommandLine('::error no terminator')).toBeUndefined()
    expect(parseCommandLine('::made-up::x')).toBeUndefined()
    expect(parseCommandLine('')).toBeUndefined()
  })

  it('trims the property list, as the runner does', () => {
    expect(parseCommandLine('::error  title= x ::m')?.properties).toEqual({ title: ' x' })
  })

  it('round-trips anything @actions/core escapes', () => {
    // whitespace around the whole property list is trimmed by the runner, so such titles are left out
    const title = fc.string({ minLength: 1 }).filter(t => t.trim() === t)
    fc.assert(
      fc.property(fc.string(), title, (message, title) => {
        const cmd = parseCommandLine(`::error title=${escapeProperty(title)}::${escapeData(message)}`)
        expect(cmd).toEqual({ command: 'error', properties: { title }, message })
        expect(unescapeProperty(escapeProperty(title))).toBe(title)
      })
    )
  })
})

describe('workflow commands in a stream', () => {
  it('finds every command, across \\n and \\r\\n line ends', () => {
    const out = 'a\n::add-mask::p\r\n::set-output name=x::1\nb\n::group::g\n::endgroup::\n'
    expect(parseWorkflowCommands(out).map(c => c.command)).toEqual([
      'add-mask',
      'set-output',
      'group',
      'endgroup'
    ])
  })

  it('ignores commands between ::stop-commands::TOKEN and ::TOKEN::', () => {
    const out = ['::stop-commands::tok', '::error::ignored', '::tok::', '::error::seen'].join('\n')
    expect(parseWorkflowCommands(out).map(c => [c.command, c.message])).toEqual([
      ['stop-commands', 'tok'],
      ['error', 'seen']
    ])
  })
})
