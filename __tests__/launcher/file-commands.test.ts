import { describe, expect, it } from '@jest/globals'
import { parseKeyValueFile, parsePathFile } from '../../launcher/file-commands.ts'

describe('GITHUB_OUTPUT / GITHUB_ENV files', () => {
  it('reads name=value lines; the value keeps further "=" and "<<"', () => {
    expect(parseKeyValueFile('a=1\nb=x=y<<z\nempty=\n')).toEqual({ a: '1', b: 'x=y<<z', empty: '' })
  })

  it('reads heredocs, keeping blank lines and "=" inside the body', () => {
    const text = 'json<<ghadelimiter_1\n{"a": 1}\nk=v\n\nlast\nghadelimiter_1\nafter=1\n'
    expect(parseKeyValueFile(text)).toEqual({ json: '{"a": 1}\nk=v\n\nlast', after: '1' })
  })

  it('reads an empty heredoc, CRLF files and a missing final newline', () => {
    expect(parseKeyValueFile('e<<X\nX\r\nw=1\r\nlast=2')).toEqual({ e: '', w: '1', last: '2' })
  })

  it('lets a later value win, as the runner does', () => {
    expect(parseKeyValueFile('a=1\na<<D\n2\nD\n')).toEqual({ a: '2' })
  })

  it('fails like the runner on malformed content', () => {
    expect(() => parseKeyValueFile('no delimiter\n')).toThrow("Invalid format 'no delimiter'")
    expect(() => parseKeyValueFile('=v\n')).toThrow('Name must not be empty')
    expect(() => parseKeyValueFile('a<<EOF\nnever closed\n')).toThrow("Matching delimiter not found 'EOF'")
    expect(() => parseKeyValueFile('a<<\nx\n')).toThrow('Delimiter must not be empty')
  })

  it('reads an empty file as nothing', () => {
    expect(parseKeyValueFile('')).toEqual({})
  })
})

describe('GITHUB_PATH file', () => {
  it('lists the directories in order, skipping blank lines', () => {
    expect(parsePathFile('/a/bin\n\n  /b/bin \r\n')).toEqual(['/a/bin', '/b/bin'])
  })
})
