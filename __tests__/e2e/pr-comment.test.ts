// End to end: a plan run on a pull request posts the plan as one comment, through a local GitHub API stand-in.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_REPOSITORY, pullRequestEvent } from '../../launcher/runner-env.ts'
import { startWorld, type ActionRun, type World } from '../../launcher/world.ts'
import { startGitHubApi, type GitHubApi } from '../../sandbox/github-api.ts'

const PR = 42
const MARKER = '<!-- connect-container-app-redis:plan:rg-apps/orders-api/rg-data/orders-cache -->'

let github: GitHubApi
let caBundle: string
let bundleDir: string
let world: World | undefined

beforeAll(async () => {
  github = await startGitHubApi()
  bundleDir = await mkdtemp(join(tmpdir(), 'ca-bundle-'))
})
afterAll(async () => {
  await github.stop()
  await rm(bundleDir, { recursive: true, force: true })
})
beforeEach(async () => {
  github.clear()
  world = await startWorld()
  // NODE_EXTRA_CA_CERTS is one file: the sandbox's CA and the GitHub stand-in's CA together.
  caBundle = join(bundleDir, `ca-${Date.now()}.pem`)
  await writeFile(caBundle, `${world.sandbox.caCert}\n${github.caCert}`)
})
afterEach(async () => {
  await world?.stop()
  world = undefined
})

/** A run with the GitHub API pointed at the stand-in; a pull request event unless `event` says otherwise. */
function run(
  inputs: Record<string, string>,
  o: {
    event?: ReturnType<typeof pullRequestEvent>
    push?: boolean
    token?: string | null
    bundle?: boolean
  } = {}
): Promise<ActionRun> {
  const token: Record<string, string> = o.token === null ? {} : { 'github-token': o.token ?? github.token }
  return (world as World).run(
    { ...token, ...inputs },
    {
      env: { GITHUB_API_URL: github.apiUrl, NODE_EXTRA_CA_CERTS: caBundle },
      event: o.push ? undefined : (o.event ?? pullRequestEvent(PR)),
      bundle: o.bundle
    }
  )
}

const botComments = (): ReturnType<GitHubApi['comments']> =>
  github.comments(DEFAULT_REPOSITORY, PR).filter(c => c.user.login === 'github-actions[bot]')
const apiCalls = (): string[] => github.requestLog.map(e => `${e.method} ${e.path} ${e.status}`)
const warningsOf = (r: ActionRun): string => r.warnings.map(w => w.message).join('\n')

describe('plan comments on pull requests', () => {
  it('posts the plan as one comment and updates that comment on the next push', async () => {
    // Someone else's comments fill the first page; one quotes the marker, one belongs to another app.
    for (let i = 0; i < 120; i++) github.addComment(DEFAULT_REPOSITORY, PR, `review comment ${i}`)
    github.addComment(DEFAULT_REPOSITORY, PR, `Quoting the bot:\n${MARKER}\nold plan`)
    const otherApp = github.addComment(
      DEFAULT_REPOSITORY,
      PR,
      '<!-- connect-container-app-redis:plan:rg-apps/billing-api/rg-data/orders-cache -->\nbilling plan',
      'github-actions[bot]'
    )

    // The first run is the bundle's, which loads @actions/github from a chunk of its own; the others run here.
    const first = await run(
      { mode: 'plan' },
      { event: pullRequestEvent(PR, { headSha: 'aaaaaaa1111' }), bundle: true }
    )
    expect(first.ranAs).toBe('bundle')
    expect(first.exitCode).toBe(0)
    expect(warningsOf(first)).not.toMatch(/pull request/)
    const [posted] = botComments().filter(c => c.id !== otherApp.id)
    expect(botComments()).toHaveLength(2)
    expect(posted.body.startsWith(`${MARKER}\n`)).toBe(true)
    expect(posted.body).toContain('3 steps would change')
    expect(posted.body).toContain('<code>REDIS_HOST</code>')
    expect(posted.body).toContain('commit <code>aaaaaaa</code>')
    expect(posted.body).toContain(`/${DEFAULT_REPOSITORY}/actions/runs/`)
    expect(first.stdout).toContain(`Posted the plan on pull request #${PR}`)
    expect(apiCalls()).toEqual([
      'POST /graphql 200',
      `GET /repos/${DEFAULT_REPOSITORY}/issues/${PR}/comments 200`,
      `GET /repos/${DEFAULT_REPOSITORY}/issues/${PR}/comments 200`,
      `POST /repos/${DEFAULT_REPOSITORY}/issues/${PR}/comments 201`
    ])
    expect(github.requestLog.every(e => e.authorization === 'token')).toBe(true)
    expect(first.summary).toContain('## 📝 Plan: ')

    // apply on the pull request's event posts nothing; then the plan of the next push has nothing to change
    github.requestLog.length = 0
    const applied = await run({}, { event: pullRequestEvent(PR, { headSha: 'bbbbbbb2222' }) })
    expect(applied.exitCode).toBe(0)
    expect(apiCalls()).toEqual([])

    const second = await run({ mode: 'plan' }, { event: pullRequestEvent(PR, { headSha: 'bbbbbbb2222' }) })
    expect(second.exitCode).toBe(0)
    expect(botComments()).toHaveLength(2)
    const updated = botComments().find(c => c.id === posted.id)
    expect(updated?.body.startsWith(`${MARKER}\n`)).toBe(true)
    expect(updated?.body).toContain('nothing to change')
    expect(updated?.body).toContain('commit <code>bbbbbbb</code>')
    expect(updated?.body).not.toBe(posted.body)
    expect(botComments().find(c => c.id === otherApp.id)?.body).toBe(otherApp.body)
    expect(apiCalls().slice(-1)).toEqual([
      `PATCH /repos/${DEFAULT_REPOSITORY}/issues/comments/${posted.id} 200`
    ])
    expect(apiCalls().filter(c => c.startsWith('POST /repos'))).toEqual([])
    expect(second.stdout).toContain(`Updated the plan comment on pull request #${PR}`)
    for (const r of [first, applied, second])
      expect(`${r.stdout}${r.stderr}${r.summary}`).not.toContain(github.token)
  })

  it("never takes over someone else's comment that starts with the marker, and finds its own by the token's login", async () => {
    // A reviewer's comment that starts with the marker, as a pasted copy of the plan would.
    const foreign = github.addComment(DEFAULT_REPOSITORY, PR, `${MARKER}\nplease look at this`, 'reviewer')
    const first = await run({ mode: 'plan' })
    expect(first.exitCode).toBe(0)
    expect(github.comments(DEFAULT_REPOSITORY, PR).find(c => c.id === foreign.id)?.body).toBe(foreign.body)
    const [ours] = botComments()
    expect(ours.body.startsWith(`${MARKER}\n`)).toBe(true)
    expect(apiCalls().filter(c => c.startsWith('PATCH'))).toEqual([])

    // The next push updates ours, not the reviewer's, though the reviewer's comes first.
    const second = await run({ mode: 'plan' })
    expect(second.exitCode).toBe(0)
    expect(apiCalls().filter(c => c.startsWith('PATCH'))).toEqual([
      `PATCH /repos/${DEFAULT_REPOSITORY}/issues/comments/${ours.id} 200`
    ])
    expect(github.comments(DEFAULT_REPOSITORY, PR)).toHaveLength(2)
    expect(github.comments(DEFAULT_REPOSITORY, PR).find(c => c.id === foreign.id)?.body).toBe(foreign.body)

    // A personal token acts as its user: its comments are found by that login, not by github-actions[bot]'s.
    github.clear()
    github.actAs({ login: 'deploy-user', type: 'User' })
    const bots = github.addComment(
      DEFAULT_REPOSITORY,
      PR,
      `${MARKER}\nan old plan by GITHUB_TOKEN`,
      'github-actions[bot]'
    )
    const viaPat = await run({ mode: 'plan' })
    expect(viaPat.exitCode).toBe(0)
    const mine = github.comments(DEFAULT_REPOSITORY, PR).filter(c => c.user.login === 'deploy-user')
    expect(mine).toHaveLength(1)
    expect(github.comments(DEFAULT_REPOSITORY, PR).find(c => c.id === bots.id)?.body).toBe(bots.body)
    await run({ mode: 'plan' })
    expect(github.comments(DEFAULT_REPOSITORY, PR).filter(c => c.user.login === 'deploy-user')).toHaveLength(
      1
    )
  })

  it('a read-only token, a fork and a failing API are warnings: the plan succeeds and the summary is written', async () => {
    github.setPermission('read')
    const readOnly = await run({ mode: 'plan' })
    expect(readOnly.exitCode).toBe(0)
    expect(readOnly.result.succeeded).toBe(true)
    expect(readOnly.summary).toContain('## 📝 Plan: ')
    const warning = readOnly.warnings.find(w => w.properties.title === 'Plan not posted on the pull request')
    expect(warning?.message).toContain('Resource not accessible by integration (HTTP 403)')
    expect(warning?.message).toContain('permissions: pull-requests: write')
    expect(warning?.message).not.toMatch(/fork/)
    expect(github.comments(DEFAULT_REPOSITORY, PR)).toEqual([])

    const fromFork = await run(
      { mode: 'plan' },
      { event: pullRequestEvent(PR, { fromRepo: 'forker/octo-repo' }) }
    )
    expect(fromFork.exitCode).toBe(0)
    expect(warningsOf(fromFork)).toMatch(/comes from a fork.*read-only token/)

    github.setPermission('write')
    github.faults.add({ path: '/comments', kind: 'status', status: 502, times: 1 })
    const failing = await run({ mode: 'plan' })
    expect(failing.exitCode).toBe(0)
    expect(warningsOf(failing)).toMatch(/Could not post the plan on pull request #42: .*\(HTTP 502\)/)
    expect(failing.summary).toContain('## 📝 Plan: ')
    expect(github.comments(DEFAULT_REPOSITORY, PR)).toEqual([])
  })

  it('posts nothing for a push, for apply, without a token or with an unexpanded one', async () => {
    const push = await run({ mode: 'plan' }, { push: true })
    expect(push.exitCode).toBe(0)
    expect(warningsOf(push)).not.toMatch(/pull request/)

    // The launcher passes action.yml's default literally, as `${{ github.token }}`.
    const unexpanded = await run({ mode: 'plan' }, { token: null })
    expect(unexpanded.exitCode).toBe(0)
    expect(warningsOf(unexpanded)).toMatch(/github-token input is an expression that was not expanded/)

    const empty = await run({ mode: 'plan' }, { token: '' })
    expect(empty.exitCode).toBe(0)
    expect(warningsOf(empty)).not.toMatch(/pull request/)
    expect(empty.stdout).toContain('github-token input is empty')

    const apply = await run({})
    expect(apply.exitCode).toBe(0)
    expect(warningsOf(apply)).not.toMatch(/pull request/)

    expect(apiCalls()).toEqual([])
    expect(github.comments(DEFAULT_REPOSITORY, PR)).toEqual([])
  })
})
