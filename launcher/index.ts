// Runs a bundled JavaScript action the way the GitHub runner does — a clean runner-like environment, INPUT_*
// variables, file commands, workflow commands on stdout — for end-to-end tests, the demo and the benchmark.
// The step's preparation and what the runner reads afterwards are shared with in-process.ts, which runs the
// action's run() in the test process instead of a process.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadActionMetadata } from './action-metadata.ts'
import { parseKeyValueFile, parsePathFile } from './file-commands.ts'
import { node24Path, repoRoot } from './node24.ts'
import { eventVariables, inheritedVariables, inputEnv, pushEvent, runnerVariables } from './runner-env.ts'
import type { RunnerDirs, RunnerEvent } from './runner-env.ts'
import { parseWorkflowCommands } from './workflow-commands.ts'
import type { WorkflowCommand } from './workflow-commands.ts'

export type { WorkflowCommand } from './workflow-commands.ts'
export type { RunnerEvent } from './runner-env.ts'

export interface LaunchOptions {
  inputs: Record<string, string>
  /** on top of the runner's variables (e.g. the sandbox's actionEnv()) */
  env?: Record<string, string>
  /** the event that triggered the workflow (see pullRequestEvent); default a push to main */
  event?: RunnerEvent
  /** only when the job has `permissions: id-token: write` */
  idToken?: { requestUrl: string; requestToken: string }
  /** default: the repository root */
  actionDir?: string
  /** default 10 minutes; the action is killed with SIGKILL after it */
  timeoutMs?: number
  /** Settles when the workflow is cancelled. The launcher then does what the runner does (actions/runner
   *  src/Runner.Sdk/ProcessInvoker.cs, CancelAndKillProcessTree): SIGINT to the action's process, SIGTERM if it
   *  still runs 7.5 s later, and SIGKILL 2.5 s after that. */
  cancel?: Promise<unknown>
  /** Node binary; default Node 24 (see node24.ts) */
  node?: string
  /** For the benchmark: report the action process's peak RSS (via a tiny `--import` preload that reads
   *  process.resourceUsage() on exit). Off by default, so the action runs exactly as the runner runs it. */
  measureResources?: boolean
}

export interface LaunchResult {
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
  durationMs: number
  /** Date.now() just before the spawn, to line the run up with the sandbox's request log */
  spawnedAt: number
  /** peak resident set size of the action process in bytes (only with measureResources) */
  maxRssBytes?: number
  /** the signals the launcher sent to cancel the action, in order (see `cancel`) */
  signalsSent: string[]
  outputs: Record<string, string>
  commands: WorkflowCommand[]
  errors: WorkflowCommand[]
  warnings: WorkflowCommand[]
  notices: WorkflowCommand[]
  masks: string[]
  summary: string
  exportedEnv: Record<string, string>
  paths: string[]
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** A step as the runner sets it up: its directories, its environment, and the action's entry point. */
export interface Step {
  /** the step's own temporary directory (removed afterwards) */
  base: string
  dirs: RunnerDirs
  env: Record<string, string>
  /** the action's `runs.main`, an absolute path */
  main: string
}

/** What ran the step: a process, or the action's run() in this process. */
export type StepRun = ProcessRun & { maxRssBytes?: number }

/**
 * Sets up the step as the runner does, has `execute` run the action, and reads what the runner reads
 * afterwards. `summaryFile` puts GITHUB_STEP_SUMMARY at a given path (in-process.ts needs one path for every run).
 */
export async function runStep(
  o: Pick<LaunchOptions, 'inputs' | 'env' | 'event' | 'idToken' | 'actionDir'> & { summaryFile?: string },
  execute: (step: Step) => Promise<StepRun>
): Promise<LaunchResult> {
  const actionDir = resolve(o.actionDir ?? repoRoot)
  const metadata = await loadActionMetadata(actionDir)
  if (metadata.using !== 'node24') {
    throw new Error(
      `${actionDir}/action.yml has runs.using '${metadata.using}'; this launcher runs node24 actions`
    )
  }
  const base = await mkdtemp(join(tmpdir(), 'runner-'))
  try {
    const dirs = await prepareRunnerDirs(base, actionDir, o.event?.payload ?? pushEvent(), o.summaryFile)
    const env = {
      ...inheritedVariables(),
      ...runnerVariables(dirs, o.idToken),
      ...(o.event ? eventVariables(o.event) : {}),
      ...inputEnv(metadata.inputs, o.inputs),
      ...o.env
    }
    const run = await execute({ base, dirs, env, main: join(actionDir, metadata.main) })
    return { ...run, ...(await collectResults(run.stdout, dirs)) }
  } finally {
    await rm(base, { recursive: true, force: true })
  }
}

/** Runs the bundled action in a Node 24 process, as the runner does. */
export function runAction(o: LaunchOptions): Promise<LaunchResult> {
  return runStep(o, async ({ base, dirs, env, main }) => {
    const usageFile = join(base, 'resource-usage.json')
    const preload = o.measureResources ? await writeUsagePreload(base, usageFile) : []
    const run = await runNode(
      o.node ?? node24Path(),
      [...preload, main],
      dirs.workspace,
      env,
      o.timeoutMs,
      o.cancel
    )
    const maxRssBytes = o.measureResources ? await readMaxRss(usageFile) : undefined
    return { ...run, maxRssBytes }
  })
}

/** The runner's layout: _temp (RUNNER_TEMP) with the file commands and the event, _tool, the workspace. */
async function prepareRunnerDirs(
  base: string,
  actionDir: string,
  event: object,
  summaryFile?: string
): Promise<RunnerDirs> {
  const temp = join(base, '_temp')
  const commands = join(temp, '_runner_file_commands')
  const dirs: RunnerDirs = {
    temp,
    toolCache: join(base, '_tool'),
    workspace: join(base, 'octo-repo', 'octo-repo'),
    actionDir,
    files: {
      output: join(commands, 'set_output'),
      env: join(commands, 'set_env'),
      path: join(commands, 'add_path'),
      state: join(commands, 'save_state'),
      summary: summaryFile ?? join(commands, 'step_summary'),
      event: join(temp, '_github_workflow', 'event.json')
    }
  }
  for (const dir of [commands, dirs.toolCache, dirs.workspace, join(temp, '_github_workflow')]) {
    await mkdir(dir, { recursive: true })
  }
  for (const file of [
    dirs.files.output,
    dirs.files.env,
    dirs.files.path,
    dirs.files.state,
    dirs.files.summary
  ]) {
    await writeFile(file, '')
  }
  await writeFile(dirs.files.event, JSON.stringify(event, null, 2))
  return dirs
}

/** A preload that writes the process's resource usage when it exits (outside the workspace and RUNNER_TEMP). */
async function writeUsagePreload(base: string, usageFile: string): Promise<string[]> {
  const preload = join(base, 'resource-usage.mjs')
  await writeFile(
    preload,
    `import { writeFileSync } from 'node:fs'\n` +
      `process.on('exit', () => writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify(process.resourceUsage())))\n`
  )
  return ['--import', pathToFileURL(preload).href]
}

async function readMaxRss(usageFile: string): Promise<number | undefined> {
  try {
    const usage = JSON.parse(await readFile(usageFile, 'utf8')) as { maxRSS?: number }
    return usage.maxRSS === undefined ? undefined : usage.maxRSS * 1024 // maxRSS is in KiB
  } catch {
    return undefined // killed before exit
  }
}

export interface ProcessRun {
  exitCode: number | null
  signal: string | null
  signalsSent: string[]
  stdout: string
  stderr: string
  durationMs: number
  spawnedAt: number
}

/** The runner's cancellation ladder (ProcessInvoker.cs: _sigintTimeout 7.5 s, _sigtermTimeout 2.5 s). */
const CANCEL_LADDER: { signal: NodeJS.Signals; thenWaitMs: number }[] = [
  { signal: 'SIGINT', thenWaitMs: 7500 },
  { signal: 'SIGTERM', thenWaitMs: 2500 },
  { signal: 'SIGKILL', thenWaitMs: 0 }
]

/** When `cancel` settles, sends the ladder's signals in turn until the step ends (`ended()`). */
export function cancelLadder(
  cancel: Promise<unknown> | undefined,
  send: (signal: NodeJS.Signals) => void
): { signalsSent: string[]; ended(): void } {
  const signalsSent: string[] = []
  let ended = false
  const ladder: NodeJS.Timeout[] = []
  const sendNext = (step: number): void => {
    const next = CANCEL_LADDER[step]
    if (ended || !next) return
    signalsSent.push(next.signal)
    send(next.signal)
    if (next.thenWaitMs) ladder.push(setTimeout(() => sendNext(step + 1), next.thenWaitMs))
  }
  cancel?.then(
    () => sendNext(0),
    () => sendNext(0)
  )
  return {
    signalsSent,
    ended() {
      ended = true
      ladder.forEach(clearTimeout)
    }
  }
}

function runNode(
  node: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  cancel?: Promise<unknown>
): Promise<ProcessRun> {
  return new Promise((resolvePromise, reject) => {
    const spawnedAt = Date.now()
    const started = performance.now()
    const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const ladder = cancelLadder(cancel, signal => child.kill(signal))
    child.once('exit', () => ladder.ended())
    child.once('error', err => {
      clearTimeout(timer)
      reject(new Error(`could not start ${node}: ${err.message}`))
    })
    // 'close' rather than 'exit': it waits for the pipes, so no output is lost.
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer)
      ladder.ended()
      resolvePromise({
        exitCode,
        signal,
        signalsSent: ladder.signalsSent,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: performance.now() - started,
        spawnedAt
      })
    })
  })
}

type Collected = Omit<LaunchResult, keyof ProcessRun>

/** What the runner does after the step: workflow commands from stdout, then the file commands. */
async function collectResults(stdout: string, dirs: RunnerDirs): Promise<Collected> {
  const commands = parseWorkflowCommands(stdout)
  const byName = (name: string): WorkflowCommand[] => commands.filter(c => c.command === name)
  const errors = byName('error')
  const outputs: Record<string, string> = {}
  for (const c of byName('set-output')) if (c.properties.name) outputs[c.properties.name] = c.message

  // A malformed file fails the step in the runner with an error annotation; report it the same way.
  const fileCommand = async <T>(
    kind: string,
    path: string,
    parse: (text: string) => T,
    empty: T
  ): Promise<T> => {
    try {
      return parse(await readFile(path, 'utf8'))
    } catch (err) {
      const message = `Unable to process file command '${kind}' successfully. ${(err as Error).message}`
      errors.push({ command: 'error', properties: {}, message })
      return empty
    }
  }
  Object.assign(outputs, await fileCommand('output', dirs.files.output, parseKeyValueFile, {}))
  return {
    outputs,
    commands,
    errors,
    warnings: byName('warning'),
    notices: byName('notice'),
    masks: byName('add-mask').map(c => c.message),
    summary: await readFile(dirs.files.summary, 'utf8'),
    exportedEnv: await fileCommand('env', dirs.files.env, parseKeyValueFile, {}),
    paths: await fileCommand('add-path', dirs.files.path, parsePathFile, [])
  }
}
