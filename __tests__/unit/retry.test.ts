import { describe, expect, it, jest } from '@jest/globals'
import {
  classifyFailure,
  isAborted,
  isDuplicateAssignment,
  isLeftByPipeline,
  isPrincipalUnknown,
  isRevisionFailure,
  isSignInFailure,
  lockedScopes,
  refusedAction
} from '../../src/azure/classify.js'
import { Deadline } from '../../src/deadline.js'
import { quietCore } from './quiet-core.ts'

const { log } = await quietCore()
const { withRetry } = await import('../../src/azure/retry.js')

const armError = (status: number, code: string, message: string, retryAfter?: string) =>
  Object.assign(new Error(message), {
    statusCode: status,
    code,
    response: { status, headers: { get: (h: string) => (h === 'retry-after' ? retryAfter : undefined) } }
  })

const CACHE_BUSY_TEXT =
  "The resource '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/Redis/c' is busy processing a previous update request or is undergoing system maintenance. As such, it is currently unable to accept the update request. Please try again later."
const PRINCIPAL_NOT_FOUND_TEXT =
  'Principal 1111 does not exist in the directory 2222. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning an access policy, this error might be related to a replication delay. In this case, retry the operation after some time.'
const OBJECT_ID_INVALID_TEXT =
  'The requested access policy assignment (objectId: 1111) is invalid. For more information, see https://aka.ms/redis/MicrosoftEntraAuthenticationPrerequisites'
const SCOPE_LOCKED_TEXT =
  "The scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/a' cannot perform write operation because following scope(s) are locked: '/subscriptions/s/resourceGroups/rg'. Please remove the lock and try again."
const onApp = { principalOnApp: true }

describe('classifyFailure', () => {
  it.each([
    // throttling and transient faults that outlasted the SDK pipeline's retries
    [{ status: 429, message: 'Too many requests' }, {}, 'throttled'],
    [{ status: 503, message: 'unavailable' }, {}, 'transient'],
    [{ status: 500, code: 'InternalServerError', message: 'oops' }, {}, 'transient'],
    [{ status: 408, message: 'timeout' }, {}, 'transient'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, {}, 'transient'],
    // 409: only the known transient conflicts are "busy" (H.7)
    [{ status: 409, code: 'Conflict', message: CACHE_BUSY_TEXT }, {}, 'busy'],
    [{ status: 409, code: 'ContainerAppOperationInProgress', message: 'in progress' }, {}, 'busy'],
    [
      {
        status: 409,
        code: 'ContainerAppLockConflict',
        message: "Cannot modify container App 'a' because another modification is in progress."
      },
      {},
      'busy'
    ],
    [
      { status: 409, code: 'AnotherOperationInProgress', message: 'Another operation is in progress' },
      {},
      'busy'
    ],
    [
      {
        status: 409,
        code: 'Conflict',
        message: '{ "code": "ContainerAppLockConflict", "message": "Cannot modify container App \'a\'" }'
      },
      {},
      'busy'
    ],
    [{ status: 409, code: 'Conflict', message: 'The resource already exists.' }, {}, 'final'],
    [{ status: 409, code: 'Conflict', message: 'Operation is in progress elsewhere' }, {}, 'final'],
    [{ status: 409, code: 'ResourceGroupBeingDeleted', message: 'being deleted' }, {}, 'final'],
    [{ status: 409, code: 'ScopeLocked', message: SCOPE_LOCKED_TEXT }, {}, 'locked'],
    // a principal Azure reports on the app is "not yet", under either of the Redis RP's answers
    [{ status: 400, code: 'PrincipalNotFound', message: PRINCIPAL_NOT_FOUND_TEXT }, onApp, 'not-replicated'],
    [{ status: 400, code: 'BadRequest', message: PRINCIPAL_NOT_FOUND_TEXT }, onApp, 'not-replicated'],
    [
      { status: 400, code: 'InvalidAccessPolicyAssignment', message: OBJECT_ID_INVALID_TEXT },
      onApp,
      'not-replicated'
    ],
    // …and final for any other principal, or any other InvalidAccessPolicyAssignment
    [{ status: 400, code: 'PrincipalNotFound', message: PRINCIPAL_NOT_FOUND_TEXT }, {}, 'final'],
    [{ status: 400, code: 'InvalidAccessPolicyAssignment', message: OBJECT_ID_INVALID_TEXT }, {}, 'final'],
    [
      {
        status: 400,
        code: 'InvalidAccessPolicyAssignment',
        message: 'An invalid access policy assignment was detected due to duplicate entries.'
      },
      onApp,
      'final'
    ],
    [{ status: 403, code: 'AuthorizationFailed', message: 'no' }, {}, 'final'],
    [{ status: 404, code: 'ResourceNotFound', message: 'no' }, {}, 'final'],
    [{ status: 400, code: 'InvalidResourceName', message: 'bad' }, {}, 'final']
  ] as const)('%j %j → %s', (info, context, expected) => {
    expect(classifyFailure(info, context)).toBe(expected)
  })
})

describe('the classifier answers one question per function, from codes first and text where Azure gives no code', () => {
  it('tells a revision that failed to provision from any other failed PATCH', () => {
    expect(isRevisionFailure({ code: 'ContainerAppOperationError', message: 'x' })).toBe(true)
    expect(
      isRevisionFailure({
        message:
          "The long-running operation has failed. Failed. Failed to provision revision for container app 'a'."
      })
    ).toBe(true)
    expect(isRevisionFailure({ status: 400, code: 'InvalidParameterValue', message: 'bad env' })).toBe(false)
  })

  it("finds a duplicate assignment in either cache's words", () => {
    expect(
      isDuplicateAssignment({
        message: 'An invalid access policy assignment was detected due to duplicate entries.'
      })
    ).toBe(true)
    expect(isDuplicateAssignment({ message: 'The user already has an access policy assignment.' })).toBe(true)
    expect(isDuplicateAssignment({ message: 'The resource already exists.' })).toBe(false)
  })

  it('reads the locked scopes and the refused action from their answers', () => {
    expect(lockedScopes({ code: 'ScopeLocked', message: SCOPE_LOCKED_TEXT })).toEqual([
      '/subscriptions/s/resourceGroups/rg'
    ])
    expect(
      refusedAction({
        status: 403,
        message:
          "The client 'x' does not have authorization to perform action 'Microsoft.Cache/redis/write' over scope '/subscriptions/s/resourceGroups/rg'."
      })
    ).toEqual({ action: 'Microsoft.Cache/redis/write', scope: '/subscriptions/s/resourceGroups/rg' })
  })

  it("knows an unknown principal by code or by either of the Redis RP's texts", () => {
    expect(isPrincipalUnknown({ status: 400, code: 'BadRequest', message: PRINCIPAL_NOT_FOUND_TEXT })).toBe(
      true
    )
    expect(
      isPrincipalUnknown({
        status: 400,
        code: 'InvalidAccessPolicyAssignment',
        message: OBJECT_ID_INVALID_TEXT
      })
    ).toBe(true)
    expect(isPrincipalUnknown({ status: 400, code: 'BadRequest', message: 'bad' })).toBe(false)
  })

  it('knows a refused sign-in and an aborted request', () => {
    expect(isSignInFailure(Object.assign(new Error('x'), { name: 'AuthenticationError' }))).toBe(true)
    expect(isSignInFailure(new Error('AADSTS700213: No matching federated identity record found'))).toBe(true)
    expect(isSignInFailure(new Error('socket hang up'))).toBe(false)
    expect(isAborted(Object.assign(new Error('x'), { name: 'AbortError' }))).toBe(true)
    expect(isAborted(new Error('The operation was aborted.'))).toBe(true)
    expect(isAborted(undefined)).toBe(false)
  })

  it.each([
    [{ status: 429, message: 'slow down' }, 'throttled', true],
    [{ status: 429, message: 'slow down', retryAfterMs: 1000 }, 'throttled', false],
    [{ status: 503, message: 'unavailable' }, 'transient', false],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'transient', false],
    [{ code: 'EPIPE', message: 'write EPIPE' }, 'transient', true],
    [{ code: 'REQUEST_SEND_ERROR', message: 'send failed' }, 'transient', true]
  ] as const)('%j (%s) is left by the SDK pipeline: %s', (info, kind, expected) => {
    expect(isLeftByPipeline(info, kind)).toBe(expected)
  })
})

describe('withRetry', () => {
  it('retries busy answers with full-jitter exponential backoff, logging each, without waiting for real', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    log.length = 0
    const result = await withRetry(
      async () => {
        if (++calls < 4) throw armError(409, 'Conflict', 'busy processing a previous update request')
        return 'done'
      },
      { deadline: new Deadline(60_000), sleep, what: 'write', random: () => 1, baseDelayMs: 100 }
    )
    expect(result).toBe('done')
    expect(sleep.mock.calls.map(c => c[0])).toEqual([100, 200, 400])
    expect(log).toEqual([
      expect.stringMatching(/^Could not write \(attempt 1\): .* Retrying in 0\.1 s\.$/),
      expect.stringMatching(/^Could not write \(attempt 2\): .* Retrying in 0\.2 s\.$/),
      expect.stringMatching(/^Could not write \(attempt 3\): .* Retrying in 0\.4 s\.$/)
    ])
  })

  it('honours Retry-After when it is longer than the backoff', async () => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    await withRetry(
      async () => {
        if (++calls === 1) throw armError(409, 'ContainerAppOperationInProgress', 'in progress', '7')
      },
      { deadline: new Deadline(60_000), sleep, what: 'read', random: () => 0 }
    )
    expect(sleep).toHaveBeenCalledWith(7000)
  })

  // The SDK pipeline retried these until the deadline (TRANSPORT_RETRY): one more loop here would nest in it.
  it.each([
    ['a 429 with Retry-After', armError(429, 'TooManyRequests', 'slow down', '1')],
    ['a 503', armError(503, 'ServiceUnavailable', 'unavailable')],
    ['a 500', armError(500, 'InternalServerError', 'oops')],
    ['a reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })]
  ])('leaves %s to the SDK pipeline: thrown at once', async (_name, failure) => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    await expect(
      withRetry(
        async () => {
          calls++
          throw failure
        },
        { deadline: new Deadline(60_000), sleep, what: 'write' }
      )
    ).rejects.toBe(failure)
    expect(calls).toBe(1)
    expect(sleep).not.toHaveBeenCalled()
  })

  // What the pipeline hands back without a retry of its own is retried here, and only that.
  it.each([
    ['a 429 without Retry-After', armError(429, 'TooManyRequests', 'slow down')],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a DNS hiccup', Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' })]
  ])('retries %s, which the SDK pipeline does not', async (_name, failure) => {
    const sleep = jest.fn(async (_ms: number) => undefined)
    let calls = 0
    const result = await withRetry(
      async () => {
        if (++calls === 1) throw failure
        return 'done'
      },
      { deadline: new Deadline(60_000), sleep, what: 'write' }
    )
    expect(result).toBe('done')
    expect(sleep).toHaveBeenCalledTimes(1)
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
          throw armError(409, 'Conflict', CACHE_BUSY_TEXT)
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

describe('withRetry and its bounds', () => {
  const fakeClock = () => {
    let t = 0
    return {
      now: () => t,
      sleep: jest.fn(async (ms: number) => {
        t += ms
      })
    }
  }

  it('fails fast on a lock: one attempt, no wait', async () => {
    const clock = fakeClock()
    let calls = 0
    await expect(
      withRetry(
        async () => {
          calls++
          throw armError(409, 'ScopeLocked', SCOPE_LOCKED_TEXT)
        },
        { deadline: new Deadline(60_000, clock.now), sleep: clock.sleep, what: 'write' }
      )
    ).rejects.toThrow('locked')
    expect(calls).toBe(1)
    expect(clock.sleep).not.toHaveBeenCalled()
  })

  it('fails fast on a Conflict that does not say busy', async () => {
    const clock = fakeClock()
    await expect(
      withRetry(
        async () => {
          throw armError(409, 'Conflict', 'The resource already exists.')
        },
        { deadline: new Deadline(60_000), sleep: clock.sleep, what: 'write' }
      )
    ).rejects.toThrow('already exists')
    expect(clock.sleep).not.toHaveBeenCalled()
  })

  it.each([
    ['PrincipalNotFound', PRINCIPAL_NOT_FOUND_TEXT],
    ['InvalidAccessPolicyAssignment', OBJECT_ID_INVALID_TEXT]
  ])(
    'waits out a principal unknown for 60 s (%s), ending within one short wait of it being known',
    async (code, text) => {
      const clock = fakeClock()
      const knownAt = 60_000
      const result = await withRetry(
        async () => {
          if (clock.now() < knownAt) throw armError(400, code, text)
          return clock.now()
        },
        {
          deadline: new Deadline(20 * 60_000, clock.now),
          sleep: clock.sleep,
          what: 'write',
          principalOnApp: true,
          random: () => 1
        }
      )
      const waits = clock.sleep.mock.calls.map(c => c[0])
      expect(Math.max(...waits)).toBeLessThanOrEqual(8_000)
      expect(result - knownAt).toBeLessThanOrEqual(8_000)
    }
  )

  it('stops waiting for an unknown principal after its bound, well before the deadline', async () => {
    const clock = fakeClock()
    let calls = 0
    await expect(
      withRetry(
        async () => {
          calls++
          throw armError(400, 'PrincipalNotFound', PRINCIPAL_NOT_FOUND_TEXT)
        },
        {
          deadline: new Deadline(60 * 60_000, clock.now),
          sleep: clock.sleep,
          what: 'write',
          principalOnApp: true,
          principalWaitMs: 30_000,
          random: () => 1
        }
      )
    ).rejects.toThrow('does not exist in the directory')
    expect(calls).toBeGreaterThan(1)
    expect(clock.now()).toBeGreaterThanOrEqual(30_000)
    expect(clock.now()).toBeLessThan(30_000 + 8_000)
  })

  it('does not retry "principal not found" for a principal it cannot vouch for', async () => {
    const clock = fakeClock()
    await expect(
      withRetry(
        async () => {
          throw armError(400, 'PrincipalNotFound', PRINCIPAL_NOT_FOUND_TEXT)
        },
        { deadline: new Deadline(60_000), sleep: clock.sleep, what: 'write' }
      )
    ).rejects.toThrow('does not exist')
    expect(clock.sleep).not.toHaveBeenCalled()
  })
})
