import type { Cancellation } from './cancellation.js'
import type { Deadline } from './deadline.js'

/**
 * How long the run's work gets to unwind after a stop (timeout-minutes, or SIGINT) before what it has is published
 * anyway. Every wait ends at the stop, so unwinding takes milliseconds; this is for one that would not.
 */
export const UNWIND_MS = 2_000
/** After a stop, the process ends this long later whatever still runs (publishing included). */
export const EXIT_AFTER_STOP_MS = 5_000

/**
 * Resolves when the run must publish what it has now: UNWIND_MS after the stop (the deadline's signal, which the
 * runner's cancellation aborts too), or at once on the runner's second signal. Measured from the stop itself, so a
 * budget that Deadline.extend grows moves it along.
 */
export function publishDeadline(
  deadline: Deadline,
  cancellation: Cancellation
): { reached: Promise<void>; clear(): void } {
  let timer: NodeJS.Timeout | undefined
  let reach = (): void => undefined
  const reached = new Promise<void>(resolve => (reach = resolve))
  const onStop = (): void => void (timer = setTimeout(reach, UNWIND_MS))
  deadline.signal.addEventListener('abort', onStop, { once: true })
  void cancellation.urgent.then(reach)
  return {
    reached,
    clear() {
      clearTimeout(timer)
      deadline.signal.removeEventListener('abort', onStop)
    }
  }
}

/**
 * The last resort that keeps timeout-minutes a promise: EXIT_AFTER_STOP_MS after the stop (UNWIND_MS after the
 * runner's second signal) the process exits, whatever still runs. Its timers do not hold the process open.
 */
export function exitAfterStop(
  deadline: Deadline,
  cancellation: Cancellation,
  exit: (code: number) => void = code => process.exit(code)
): void {
  const end = (): void => exit(1)
  deadline.signal.addEventListener('abort', () => setTimeout(end, EXIT_AFTER_STOP_MS).unref(), { once: true })
  void cancellation.urgent.then(() => setTimeout(end, UNWIND_MS).unref())
}
