// Progress lines for the action's waits, as long-running tools print them ("Still creating... [1m0s elapsed]"):
// what is awaited, the state last seen and the time waited, every PROGRESS_INTERVAL_MS. One module, so every
// wait (revision, Entra on the cache, health-url, busy or not-yet-replicated retries, the cache queue, Azure's
// long-running operations) speaks the same way.
import { AsyncLocalStorage } from 'node:async_hooks'
import * as core from '@actions/core'

/** Within the 15–30 s that keeps a long wait visible without flooding the log. */
export const PROGRESS_INTERVAL_MS = 15_000

export interface Progress {
  /** The state last seen, printed with the next line ("provisioning Provisioning, running Activating"). */
  seen(state: string): void
  /** Stops the lines. Idempotent. */
  stop(): void
}

export interface ProgressOptions {
  intervalMs?: number
  log?: (line: string) => void
  now?: () => number
}

interface Ticker extends Progress {
  /** A wait inside this one that speaks for it meanwhile (a retry within a step). */
  inner?: Ticker
  stopped: boolean
}

const current = new AsyncLocalStorage<Ticker>()

/** "45s", "1m05s", "12m00s": Terraform's way of saying how long. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
}

/**
 * Starts the progress lines of a wait: `Still waiting for {what}: {state} [1m20s elapsed]`, first after one
 * interval (a short wait prints nothing). A wait started inside another (see withProgress) speaks for the outer
 * one while it lasts, so nested waits print one line, not two.
 */
export function startProgress(what: string, o: ProgressOptions = {}): Progress {
  return start(what, o)
}

function start(what: string, o: ProgressOptions): Ticker {
  const now = o.now ?? Date.now
  const log = o.log ?? ((line: string) => core.info(line))
  const started = now()
  let state = ''
  const outer = current.getStore()
  const ticker: Ticker = {
    stopped: false,
    seen: s => {
      state = s
    },
    stop: () => {
      if (ticker.stopped) return
      ticker.stopped = true
      clearInterval(timer)
      if (outer?.inner === ticker) outer.inner = undefined
    }
  }
  if (outer && !outer.stopped) outer.inner = ticker
  const timer = setInterval(() => {
    if (ticker.inner && !ticker.inner.stopped) return
    log(`Still waiting for ${what}${state ? `: ${state}` : ''} [${formatElapsed(now() - started)} elapsed]`)
  }, o.intervalMs ?? PROGRESS_INTERVAL_MS)
  // A forgotten ticker must never keep the process alive.
  timer.unref()
  return ticker
}

/** Tells the wait this code runs in (if any) what it last saw: a retry inside a step says why it waits. */
export function seenInCurrentWait(state: string): void {
  const ticker = current.getStore()
  if (ticker && !ticker.stopped) ticker.seen(state)
}

/**
 * Runs a wait that prints its own progress lines (the revision wait, the Entra wait): the waits around it keep
 * quiet meanwhile, so the log has one line per interval, not two.
 */
export async function speaksForItself<T>(work: () => Promise<T>): Promise<T> {
  const outer = current.getStore()
  const silent: Ticker = {
    stopped: false,
    seen: () => undefined,
    stop: () => {
      silent.stopped = true
      if (outer?.inner === silent) outer.inner = undefined
    }
  }
  if (outer && !outer.stopped) outer.inner = silent
  try {
    return await current.run(silent, work)
  } finally {
    silent.stop()
  }
}

/** Runs `work` with progress lines around it; waits started inside it take over while they run. */
export async function withProgress<T>(
  what: string,
  work: (progress: Progress) => Promise<T>,
  o: ProgressOptions = {}
): Promise<T> {
  const progress = start(what, o)
  try {
    return await current.run(progress, () => work(progress))
  } finally {
    progress.stop()
  }
}
