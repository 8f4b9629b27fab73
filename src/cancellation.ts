/** Where the signals arrive: the process, or a stand-in for a run that shares its process (the tests). */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown
  off(signal: NodeJS.Signals, listener: () => void): unknown
}

/**
 * The runner's cancellation of the step. It sends SIGINT, then SIGTERM 7.5 s later, then kills the process tree
 * 2.5 s after that (actions/runner src/Runner.Sdk/ProcessInvoker.cs, CancelAndKillProcessTree), and reads the
 * step's outputs and summary files afterwards in any case (src/Runner.Worker/ActionRunner.cs: ProcessFiles in a
 * finally). The first signal stops the run; a second one means the runner is about to kill it.
 */
export class Cancellation {
  private readonly controller = new AbortController()
  readonly signal = this.controller.signal
  /** The first signal received. */
  by?: NodeJS.Signals
  /** Settles on the second signal: there is no time left to wait for anything. */
  readonly urgent: Promise<void>
  private readonly listeners: [NodeJS.Signals, () => void][] = []
  private readonly target: SignalTarget

  constructor(target: SignalTarget = process, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']) {
    this.target = target
    let urgent = (): void => undefined
    this.urgent = new Promise(resolve => (urgent = resolve))
    for (const name of signals) {
      const listener = (): void => {
        if (this.by) return urgent()
        this.by = name
        this.controller.abort(new Error(`cancelled by ${name}`))
      }
      this.listeners.push([name, listener])
      target.on(name, listener)
    }
  }

  /** Stops listening, so the process's default handling of the signals returns. */
  dispose(): void {
    for (const [name, listener] of this.listeners.splice(0)) this.target.off(name, listener)
  }
}
