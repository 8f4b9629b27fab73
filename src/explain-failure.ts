import { isSignInFailure } from './azure/classify.js'
import { explainAzureError } from './azure/explain.js'
import type { ManagementLock } from './azure/locks.js'
import type { Cloud } from './domain/cloud.js'
import type { SignIn } from './credential/create-credential.js'
import { explainSignInFailure } from './credential/sign-in-hints.js'
import { DeadlineExceededError, TimeoutTooShortError, type Deadline } from './deadline.js'
import { InputError } from './inputs/input-error.js'
import { endedByStop, ReadError } from './read/read-error.js'
import { FOREIGN_ANSWER_FIX, UnexpectedAnswerError } from './azure/unexpected-answer.js'

export interface Explained {
  title: string
  message: string
  fix?: string
}

/** What the run was doing when it stopped, in the words of why it stopped. */
function explainStop(deadline: Deadline | undefined, during: string, lastSeen?: string): Explained {
  const seen = lastSeen ? `; last seen: ${lastSeen}` : ''
  const by = deadline?.cancelledBy
  if (by)
    return {
      title: 'Cancelled',
      message: `The runner cancelled the run (${by}) while ${during}${seen}. A change already sent to Azure may still complete there.`,
      fix: 'Rerun the action: it reads the current state and continues where this run stopped.'
    }
  return {
    title: 'Timed out',
    message: `timeout-minutes ran out while ${during}${seen}. Raise timeout-minutes or rerun the action: it continues where it stopped.`,
    fix: 'Raise timeout-minutes, or rerun: the action continues where it stopped.'
  }
}

/** One place that turns any failure into a title, a cause and a fix, without a stack trace. */
export function explainFailure(
  error: unknown,
  doing: string,
  context: {
    cloud?: Cloud
    signIn?: SignIn
    lastSeen?: string
    locks?: ManagementLock[]
    deadline?: Deadline
  }
): Explained {
  if (error instanceof InputError)
    return {
      title: error.title ?? 'Invalid input',
      message: error.message,
      fix: error.fix ?? 'Fix the inputs of this step in the workflow file.'
    }
  if (error instanceof TimeoutTooShortError)
    return { title: 'timeout-minutes is too short', message: error.message, fix: error.fix }
  const cause = error instanceof ReadError ? error.cause : error
  const what = error instanceof ReadError ? `read ${error.what}` : doing
  if (cause instanceof DeadlineExceededError)
    return explainStop(context.deadline, `waiting for ${cause.waitingFor}`, cause.lastSeen)
  if (endedByStop(cause)) return explainStop(context.deadline, `trying to ${what}`, context.lastSeen)
  if (cause instanceof UnexpectedAnswerError)
    return {
      title: `Could not ${what}`,
      message: `Could not ${what}: ${cause.message}.`,
      fix: FOREIGN_ANSWER_FIX
    }
  if (isSignInFailure(cause)) {
    const message = ((cause as Error).message ?? String(cause))
      .split('\n')[0]
      .replace(/Trace ID:.*$/, '')
      .trim()
    if (context.signIn?.oidc && context.cloud) {
      return {
        title: 'Sign-in to Microsoft Entra ID failed',
        message,
        fix: explainSignInFailure(
          message,
          context.signIn.oidc.assertions.lastClaims,
          context.cloud,
          context.signIn.oidc.clientId
        )
      }
    }
    return {
      title: 'Sign-in to Azure failed',
      message,
      fix: 'For auth: azure-cli, run azure/login earlier in the job (with the same tenant), or set client-id and tenant-id to sign in with OIDC.'
    }
  }
  const explained = explainAzureError(cause, what, { locks: context.locks })
  return { title: `Could not ${what}`, message: explained.message, fix: explained.fix }
}
