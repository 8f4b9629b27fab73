import { describe, expect, it, jest } from '@jest/globals'
import { classifyFailure } from '../../src/azure/classify.js'
import { withRetry } from '../../src/azure/retry.js'
import { Deadline } from '../../src/deadline.js'

const armError = (status: number, code: string, message: string, retryAfter?: string) =>
  Object.assign(new Error(message), {
    statusCode: status,
    code,
    response: { status, headers: { get: (h: string) => (h === 'retry-after' ? retryAfter : undefined) } }
  })

describe('classifyFailure', () => {
  it.each([
    [{ status: 429, message: 'Too many requests' }, {}, 'throttled'],
    [
      { status: 409, code: 'Conflict', message: 'The resource is busy processing a previous update request' },
      {},
      'busy'
    ],
    [{ status: 409, code: 'ContainerAppOperationInProgress', message: 'in progress' }, {}, 'busy'],
    [{ status: 503, message: 'unavailable' }, {}, 'transient'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, {}, 'transient'],
    [
      { status: 400, code: 'PrincipalNotFound', message: 'Principal x does not exist in the directory t' },
      { principalIsNew: true },
      'not-replicated'
    ],
    [
      { status: 400, code: 'PrincipalNotFound', message: 'Principal x does not exist in the directory t' },
      {},
      'final'
    ],
    [{ status: 403, code: 'AuthorizationFailed', message: 'no' }, {}, 'final'],
    [{ status: 404, code: 'ResourceNotFound', message: 'no' }, {}, 'final'],
    [{ status: 400, code: 'InvalidResourceName', message: 'bad' }, {}, 'final']
  ] as const)('%j %j → %s', (info, context, expected) => {
    expect(classifyFailure(info, context)).toBe(expected)
  })
})

describe('withRetry', () => {
  it('retries busy answers with full-jitter exponential backoff, logging each, without waiting for real', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw armError(409, 'Conflict', 'busy processing a previous update request')
        return 'done'
      },
      { deadline: new Deadline(60_000), sleep, what: 'write', random: () => 1, baseDelayMs: 100 }
    )
    expect(result).toBe('done')
    expect(sleep.mock.calls.map(c => c[0])).toEqual([100, 200, 400])
  })

  it('honours Retry-After when it is longer than the backoff', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    await withRetry(
      async () => {
        if (++calls === 1) throw armError(429, 'TooManyRequests', 'slow down', '7')
      },
      { deadline: new Deadline(60_000), sleep, what: 'read', random: () => 0 }
    )
    expect(sleep).toHaveBeenCalledWith(7000)
  })

  it('gives up at once on a final error', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    await expect(
      withRetry(
        async () => {
          throw armError(403, 'AuthorizationFailed', 'denied')
        },
        { deadline: new Deadline(60_000), sleep, what: 'write' }
      )
    ).rejects.toThrow('denied')
    expect(sleep).not.toHaveBeenCalled()
  })

  it('stops when the next wait would pass the deadline', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    await expect(
      withRetry(
        async () => {
          throw armError(409, 'Conflict', 'busy processing')
        },
        { deadline: new Deadline(500), sleep, what: 'write', random: () => 1, baseDelayMs: 1000 }
      )
    ).rejects.toThrow('busy')
    expect(sleep).not.toHaveBeenCalled()
  })

  it('passes the attempt number so a retry can re-read', async () => {
    const attempts: number[] = []
    await withRetry(
      async attempt => {
        attempts.push(attempt)
        if (attempt === 1) throw armError(409, 'ContainerAppOperationInProgress', 'in progress')
      },
      { deadline: new Deadline(60_000), sleep: async () => undefined, what: 'patch' }
    )
    expect(attempts).toEqual([1, 2])
  })
})
