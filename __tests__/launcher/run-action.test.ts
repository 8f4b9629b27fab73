import { describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from '../../launcher/index.ts'
import { repoRoot } from '../../launcher/node24.ts'

const echoAction = join(repoRoot, '__fixtures__', 'echo-action')

describe('runAction (fixture action, real child process)', () => {
  it('runs the action like the runner and collects everything it reports', async () => {
    const r = await runAction({
      actionDir: echoAction,
      inputs: { who: 'Mona', 'Retry Count': '5' },
      env: { CALLER: 'on top', GITHUB_REPOSITORY: 'me/mine' }
    })
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    expect(r.signal).toBeNull()
    expect(r.durationMs).toBeGreaterThan(0)

    // inputs: given, defaulted, and absent without a default
    expect(r.outputs.greeting).toBe('Hello, Mona!')
    expect(JSON.parse(r.outputs.inputs)).toEqual({
      INPUT_WHO: 'Mona',
      INPUT_GREETING: 'Hello',
      INPUT_RETRY_COUNT: '5',
      'INPUT_NO-DEFAULT': '',
      'INPUT_EXIT-CODE': '0',
      'INPUT_SLEEP-MS': '0'
    })

    // outputs in both file formats and the legacy stdout command
    expect(r.outputs.story).toBe('once upon a time\nname=not-an-output\n\nthe end')
    expect(r.outputs.legacy).toBe('from stdout')
    expect(r.outputs['not-an-output']).toBeUndefined()

    // a clean runner-like environment, the caller's env on top, Node 24, cwd = workspace
    const env = JSON.parse(r.outputs.env)
    expect(env).toMatchObject({ GITHUB_ACTIONS: 'true', CI: 'true', RUNNER_OS: 'Linux', CALLER: 'on top' })
    expect(env.GITHUB_REPOSITORY).toBe('me/mine')
    expect(env.RUNNER_TEMP).toMatch(/_temp$/)
    expect(r.outputs.cwd).toBe(env.GITHUB_WORKSPACE)
    expect(r.outputs['node-options']).toBe('(unset)')
    expect(Number(r.outputs['node-version'].split('.')[0])).toBeGreaterThanOrEqual(24)

    // workflow commands, unescaped
    expect(r.errors).toEqual([
      {
        command: 'error',
        properties: { title: 'Bad, really', file: 'src/a.ts', line: '3', col: '7' },
        message: 'two\nlines and 100%'
      }
    ])
    expect(r.warnings.map(w => w.message)).toEqual(['careful: it%3A stays'])
    expect(r.notices.map(n => [n.properties.title, n.message])).toEqual([
      ['FYI', 'noted'],
      [undefined, 'after resume']
    ])
    expect(r.masks).toEqual(['s3cr3t'])
    expect(r.commands.map(c => c.command)).toEqual(
      expect.arrayContaining(['debug', 'group', 'endgroup', 'stop-commands', 'set-output'])
    )
    expect(r.stdout).toContain('plain output line')

    // summary, GITHUB_ENV, GITHUB_PATH
    expect(r.summary).toBe('# Echo\n\nHello, Mona\n')
    expect(r.exportedEnv).toEqual({ ECHOED: 'yes', MULTI: 'a\nb' })
    expect(r.paths).toEqual(['/opt/echo/bin'])
  })

  it('sets the OIDC request variables only when the job may request an ID token', async () => {
    const without = await runAction({ actionDir: echoAction, inputs: { who: 'x' } })
    expect(without.outputs.oidc).toBe('|')
    const withToken = await runAction({
      actionDir: echoAction,
      inputs: { who: 'x' },
      idToken: { requestUrl: 'https://localhost:1/token?x=1', requestToken: 'req-token' }
    })
    expect(withToken.outputs.oidc).toBe('https://localhost:1/token?x=1|req-token')
  })

  it('still runs when a required input is missing, and reports a failing exit code', async () => {
    const r = await runAction({ actionDir: echoAction, inputs: { 'exit-code': '3' } })
    expect(r.exitCode).toBe(3)
    expect(r.outputs.greeting).toBe('Hello, !')
  })

  it('kills the action at the timeout', async () => {
    const r = await runAction({
      actionDir: echoAction,
      inputs: { who: 'x', 'sleep-ms': '30000' },
      timeoutMs: 500
    })
    expect(r.exitCode).toBeNull()
    expect(r.signal).toBe('SIGKILL')
    expect(r.durationMs).toBeLessThan(10_000)
  })

  it('refuses an action that is not node24, and one without action.yml', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'old-action-'))
    try {
      await expect(runAction({ actionDir: dir, inputs: {} })).rejects.toThrow(/no action.yml/)
      await writeFile(join(dir, 'action.yml'), 'name: old\nruns:\n  using: node20\n  main: index.js\n')
      await expect(runAction({ actionDir: dir, inputs: {} })).rejects.toThrow(/runs.using 'node20'/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reports a malformed GITHUB_OUTPUT as the runner does, as an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-output-'))
    try {
      await writeFile(join(dir, 'action.yml'), 'name: bad\nruns:\n  using: node24\n  main: index.mjs\n')
      await writeFile(
        join(dir, 'index.mjs'),
        "import { appendFileSync } from 'node:fs'\nappendFileSync(process.env.GITHUB_OUTPUT, 'ok=1\\nx<<EOF\\nopen\\n')\n"
      )
      const r = await runAction({ actionDir: dir, inputs: {} })
      expect(r.exitCode).toBe(0)
      expect(r.errors.map(e => e.message)).toEqual([
        "Unable to process file command 'output' successfully. Invalid value. Matching delimiter not found 'EOF'"
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
