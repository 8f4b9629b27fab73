// Runs the action's run() (src/main.ts) in this process, as the runner would run the bundle: the same step set-up
// and results as runAction (index.ts), so that the tests of the action's behaviour measure coverage of src/ and
// can be debugged. What only a process of its own can show (the bundle, real signals, variables Node reads when a
// process starts, two runs at once) is for runAction; see needsProcess in world.ts.
//
// What a process gives each run for itself, this gives the run while it runs, and takes back afterwards: the
// environment (process.env, which @actions/core reads), the CAs that NODE_EXTRA_CA_CERTS would add, stdout and
// stderr (captured for the run's async context only, so the test runner's own output goes on as before), the
// signals and the exit. One run at a time: process.env is one for the whole process.
import { AsyncLocalStorage } from 'node:async_hooks'
import { EventEmitter } from 'node:events'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'
import { run } from '../src/main.ts'
import { testPace } from '../src/test-pace.ts'
import {
  cancelLadder,
  DEFAULT_TIMEOUT_MS,
  runStep,
  type LaunchOptions,
  type LaunchResult,
  type Step,
  type StepRun
} from './index.ts'

interface Capture {
  stdout: string[]
  stderr: string[]
}

const capture = new AsyncLocalStorage<Capture>()

/**
 * Sends what the run writes to the stream to its capture, and everything else where it went; returns what puts the
 * stream back. (A run that outlives its end — killed, or exited — writes where everything else does.)
 */
function captureOutput(stream: NodeJS.WriteStream, into: (c: Capture) => string[]): () => void {
  const original = stream.write
  const write = original.bind(stream)
  stream.write = (
    chunk: Uint8Array | string,
    encodingOrDone?: BufferEncoding | ((error?: Error | null) => void),
    done?: (error?: Error | null) => void
  ): boolean => {
    const owner = capture.getStore()
    if (!owner)
      return typeof encodingOrDone === 'function'
        ? write(chunk, encodingOrDone)
        : write(chunk, encodingOrDone, done)
    into(owner).push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done
    if (callback) queueMicrotask(() => callback(null))
    return true
  }
  return () => {
    stream.write = original
  }
}

let running = false
/** The CAs this process trusts by default, before any run added the sandbox's. */
let defaultCAs: string[] | undefined
const SUMMARY_PREFIX = 'in-process-summary-'
let summaryFile: string | undefined

/**
 * GITHUB_STEP_SUMMARY is one file for every run of this process (the runner empties it for each): @actions/core's
 * summary keeps the path it first wrote to.
 */
function summaryPath(): string {
  if (summaryFile) return summaryFile
  // The test environment's process never sees the exit, so the files of processes that ended go now.
  for (const name of readdirSync(tmpdir()).filter(n => n.startsWith(SUMMARY_PREFIX))) {
    if (!isAlive(Number.parseInt(name.slice(SUMMARY_PREFIX.length))))
      rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
  summaryFile = join(tmpdir(), `${SUMMARY_PREFIX}${process.pid}.md`)
  return summaryFile
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/** The certificates of a PEM file (NODE_EXTRA_CA_CERTS may hold several). */
function certificates(path: string): string[] {
  return readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []
}

/** Gives the run the process-wide things a process of its own would have; returns what takes them back. */
function enter(env: Record<string, string>): () => void {
  const restoreStdout = captureOutput(process.stdout, c => c.stdout)
  const restoreStderr = captureOutput(process.stderr, c => c.stderr)
  const saved = { ...process.env }
  for (const name of Object.keys(process.env)) delete process.env[name]
  Object.assign(process.env, env)
  defaultCAs ??= getCACertificates('default')
  const extra = env.NODE_EXTRA_CA_CERTS
  if (extra) setDefaultCACertificates([...defaultCAs, ...certificates(extra)])
  return () => {
    for (const name of Object.keys(process.env)) delete process.env[name]
    Object.assign(process.env, saved)
    if (extra && defaultCAs) setDefaultCACertificates(defaultCAs)
    restoreStderr()
    restoreStdout()
  }
}

export interface InProcessOptions extends Pick<
  LaunchOptions,
  'inputs' | 'env' | 'event' | 'idToken' | 'cancel' | 'timeoutMs'
> {
  /** multiplies the cadence of the long waits; default CONNECT_REDIS_TEST_PACE in env, as the bundle reads it */
  pace?: number
}

/** Runs the action's run() in this process, with the step and the results of runAction. */
export function runInProcess(o: InProcessOptions): Promise<LaunchResult> {
  const pace = o.pace ?? testPace(o.env?.CONNECT_REDIS_TEST_PACE)
  return runStep({ ...o, summaryFile: summaryPath() }, step => execute(step, o, pace))
}

async function execute(step: Step, o: InProcessOptions, pace: number | undefined): Promise<StepRun> {
  if (running) throw new Error('one in-process run at a time: process.env is one for the whole process')
  const output: Capture = { stdout: [], stderr: [] }
  const signals = new EventEmitter()
  const spawnedAt = Date.now()
  const started = performance.now()
  running = true
  const leave = enter(step.env)
  try {
    const ended = await new Promise<{
      exitCode: number | null
      signal: string | null
      signalsSent: string[]
    }>(resolve => {
      let settled = false
      // As the process would end: when run() resolves, on the exit after a stop, or killed. A run that is
      // killed or exits goes on in the background, as nothing here can stop it.
      const end = (exitCode: number | null, signal: NodeJS.Signals | null = null): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        ladder.ended()
        resolve({ exitCode, signal, signalsSent: ladder.signalsSent })
      }
      const kill = (): void => end(null, 'SIGKILL')
      const timer = setTimeout(kill, o.timeoutMs ?? DEFAULT_TIMEOUT_MS)
      const ladder = cancelLadder(o.cancel, signal =>
        signal === 'SIGKILL' ? kill() : void signals.emit(signal)
      )
      capture.run(output, () =>
        run({ signals, exit: code => end(code), startedAt: spawnedAt, pace }).then(
          exitCode => end(exitCode),
          // As Node ends a process whose top-level await rejects: the error on stderr, exit code 1.
          (error: unknown) => {
            output.stderr.push(`${error instanceof Error ? error.stack : String(error)}\n`)
            end(1)
          }
        )
      )
    })
    return {
      ...ended,
      stdout: output.stdout.join(''),
      stderr: output.stderr.join(''),
      durationMs: performance.now() - started,
      spawnedAt
    }
  } finally {
    leave()
    running = false
  }
}
