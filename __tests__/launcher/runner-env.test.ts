import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { majorVersion, node24Path } from '../../launcher/node24.ts'
import { inheritedVariables, inputEnv, inputEnvName } from '../../launcher/runner-env.ts'

describe('INPUT_ variables', () => {
  it('follows the runner: upper case, spaces to underscores, hyphens kept', () => {
    expect(inputEnvName('resource-group')).toBe('INPUT_RESOURCE-GROUP')
    expect(inputEnvName('Retry Count')).toBe('INPUT_RETRY_COUNT')
  })

  it('sets every declared input: given value, else default, else empty', () => {
    const declared = { a: { default: 'x' }, b: { default: 'y' }, 'c-d': { required: true } }
    expect(inputEnv(declared, { b: 'given', extra: 'e' })).toEqual({
      INPUT_A: 'x',
      INPUT_B: 'given',
      'INPUT_C-D': '',
      INPUT_EXTRA: 'e'
    })
  })

  it('passes an explicitly empty input as empty, not as the default', () => {
    expect(inputEnv({ a: { default: 'x' } }, { a: '' })).toEqual({ INPUT_A: '' })
  })
})

describe('inherited environment', () => {
  it('keeps PATH and HOME but none of the test runner variables', () => {
    const env = inheritedVariables({ PATH: '/bin', HOME: '/root', NODE_OPTIONS: '--x', JEST_WORKER_ID: '1' })
    expect(env).toEqual({ PATH: '/bin', HOME: '/root' })
  })
})

describe('Node 24 lookup', () => {
  it('finds a Node 24 binary', () => {
    expect(majorVersion('v24.1.0')).toBe(24)
    expect(existsSync(node24Path())).toBe(true)
  })
})
