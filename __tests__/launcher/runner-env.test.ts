import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { majorVersion, node24Path } from '../../launcher/node24.ts'
import {
  eventVariables,
  inheritedVariables,
  inputEnv,
  inputEnvName,
  pullRequestEvent
} from '../../launcher/runner-env.ts'

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

describe('events', () => {
  it('sets the refs of a pull request as the runner does', () => {
    const event = pullRequestEvent(7, { fromRepo: 'forker/octo-repo' })
    expect(eventVariables(event)).toEqual({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_REF_NAME: '7/merge',
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main'
    })
    expect(event.payload).toMatchObject({
      number: 7,
      pull_request: {
        head: { repo: { full_name: 'forker/octo-repo' } },
        base: { repo: { full_name: 'octo-org/octo-repo' } }
      }
    })
    // pull_request_target runs on the base branch: GITHUB_REF stays as it is
    expect(eventVariables(pullRequestEvent(7, { name: 'pull_request_target' }))).not.toHaveProperty(
      'GITHUB_REF'
    )
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
