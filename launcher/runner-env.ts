// The environment the GitHub runner gives a `node24` action step.
import type { ActionInput } from './action-metadata.ts'

/** The runner's rule: spaces become underscores, the name is upper-cased, hyphens stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * `INPUT_*` for every declared input (the caller's value, else the default, else ''), plus any undeclared input
 * the caller passes (the runner passes those too, after warning about them).
 */
export function inputEnv(
  declared: Record<string, ActionInput>,
  given: Record<string, string>
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(declared)) env[inputEnvName(name)] = spec.default ?? ''
  for (const [name, value] of Object.entries(given)) env[inputEnvName(name)] = value
  return env
}

export interface RunnerDirs {
  temp: string
  toolCache: string
  workspace: string
  files: { output: string; env: string; path: string; state: string; summary: string; event: string }
  actionDir: string
}

export const DEFAULT_REPOSITORY = 'octo-org/octo-repo'

/** The runner's own variables, with plausible values for a push to main of DEFAULT_REPOSITORY. */
export function runnerVariables(
  dirs: RunnerDirs,
  idToken?: { requestUrl: string; requestToken: string }
): Record<string, string> {
  const [owner] = DEFAULT_REPOSITORY.split('/')
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__run',
    GITHUB_ACTION_PATH: dirs.actionDir,
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTOR_ID: '583231',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: DEFAULT_REPOSITORY,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_ID: '123456789',
    GITHUB_REPOSITORY_OWNER_ID: '987654321',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: dirs.files.event,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_WORKFLOW_REF: `${DEFAULT_REPOSITORY}/.github/workflows/deploy.yml@refs/heads/main`,
    GITHUB_WORKFLOW_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_JOB: 'connect',
    GITHUB_RUN_ID: '1000000001',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_OUTPUT: dirs.files.output,
    GITHUB_ENV: dirs.files.env,
    GITHUB_PATH: dirs.files.path,
    GITHUB_STATE: dirs.files.state,
    GITHUB_STEP_SUMMARY: dirs.files.summary,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'sandbox-runner',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache
  }
  if (idToken) {
    env.ACTIONS_ID_TOKEN_REQUEST_URL = idToken.requestUrl
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = idToken.requestToken
  }
  return env
}

/** The push event payload at GITHUB_EVENT_PATH (@actions/github reads it into `context.payload`). */
export function pushEvent(): object {
  const [owner, name] = DEFAULT_REPOSITORY.split('/')
  return {
    ref: 'refs/heads/main',
    after: '0123456789abcdef0123456789abcdef01234567',
    repository: { name, full_name: DEFAULT_REPOSITORY, owner: { login: owner, name: owner } },
    sender: { login: 'octocat', id: 583231 }
  }
}

/** The event that triggered the workflow: its name and the payload at GITHUB_EVENT_PATH. */
export interface RunnerEvent {
  name: string
  payload: object
}

/**
 * A pull request event of DEFAULT_REPOSITORY (`pull_request` or `pull_request_target`), from a branch of the
 * repository itself, or from `fromRepo` (a fork).
 */
export function pullRequestEvent(
  number: number,
  o: { name?: string; headSha?: string; fromRepo?: string; action?: string } = {}
): RunnerEvent {
  const repository = (fullName: string): object => {
    const [owner, name] = fullName.split('/')
    return { name, full_name: fullName, owner: { login: owner } }
  }
  const headRepo = o.fromRepo ?? DEFAULT_REPOSITORY
  return {
    name: o.name ?? 'pull_request',
    payload: {
      action: o.action ?? 'synchronize',
      number,
      pull_request: {
        number,
        state: 'open',
        head: {
          ref: 'feature',
          sha: o.headSha ?? 'fedcba9876543210fedcba9876543210fedcba98',
          repo: repository(headRepo)
        },
        base: {
          ref: 'main',
          sha: '0123456789abcdef0123456789abcdef01234567',
          repo: repository(DEFAULT_REPOSITORY)
        }
      },
      repository: repository(DEFAULT_REPOSITORY),
      sender: { login: 'octocat', id: 583231 }
    }
  }
}

/** The runner's variables that depend on the event (the defaults of runnerVariables are for a push to main). */
export function eventVariables(event: RunnerEvent): Record<string, string> {
  const env: Record<string, string> = { GITHUB_EVENT_NAME: event.name }
  const pr = (
    event.payload as { pull_request?: { number: number; head?: { ref?: string }; base?: { ref?: string } } }
  ).pull_request
  if (pr && event.name === 'pull_request') {
    env.GITHUB_REF = `refs/pull/${pr.number}/merge`
    env.GITHUB_REF_NAME = `${pr.number}/merge`
  }
  if (pr) {
    env.GITHUB_HEAD_REF = pr.head?.ref ?? ''
    env.GITHUB_BASE_REF = pr.base?.ref ?? ''
  }
  return env
}

/** What the launcher passes through from its own environment: what a shell needs, nothing of the test runner. */
export function inheritedVariables(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR']) {
    const value = from[name]
    if (value !== undefined) env[name] = value
  }
  return env
}
