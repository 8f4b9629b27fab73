import * as core from '@actions/core'
import type { Sleep } from '../azure/retry.js'
import { type Deadline, DeadlineExceededError } from '../deadline.js'
import { logSafe } from '../domain/text.js'
import { speaksForItself } from '../progress.js'

/** One look at what is awaited: it is done (with a value), or the state seen now, for the log. */
export type Look<T> = { done: true; value: T } | { done: false; seen: string }

export interface LongWait<T> {
  /** What is awaited, for the log and the timeout: "Microsoft Entra authentication on cache x". */
  waitingFor: string
  /** Start-to-start interval of the looks: a wait of many minutes need not ask ARM more than twice a minute. */
  pollMs: number
  /** Interval of the progress lines (state last seen, time elapsed). */
  progressMs: number
  deadline: Deadline
  sleep: Sleep
  look(): Promise<Look<T>>
}

/**
 * Looks every pollMs until done, and logs the state last seen and the time elapsed every progressMs, so a wait
 * of many minutes is neither silent nor a stream of requests. The deadline ends it with the state last seen.
 */
export function waitLong<T>(w: LongWait<T>): Promise<T> {
  // It prints its own progress lines: the step around it keeps quiet meanwhile.
  return speaksForItself(() => lookUntilDone(w))
}

async function lookUntilDone<T>(w: LongWait<T>): Promise<T> {
  const now = (): number => w.deadline.now()
  const started = now()
  let nextLog = started + w.progressMs
  let seen = 'nothing yet'
  for (;;) {
    const lookedAt = now()
    const look = await w.look().catch((error: unknown) => {
      if (w.deadline.expired) throw new DeadlineExceededError(w.waitingFor, seen)
      throw error
    })
    if (look.done) return look.value
    seen = look.seen
    const nextLook = lookedAt + w.pollMs
    while (now() < nextLook) {
      const remaining = w.deadline.remainingMs()
      if (remaining <= 0) throw new DeadlineExceededError(w.waitingFor, seen)
      await w.sleep(Math.min(Math.max(0, Math.min(nextLook, nextLog) - now()), remaining))
      if (now() >= nextLog) {
        core.info(
          `Still waiting for ${w.waitingFor}: ${logSafe(seen)} (${minutesAndSeconds(now() - started)} so far).`
        )
        nextLog = now() + w.progressMs
      }
    }
  }
}

export function minutesAndSeconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}
