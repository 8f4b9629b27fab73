// End to end: verification, deployment gating, annotations and the job summary, through the bundled action
// against the local Azure sandbox (its ingress stand-in and redis-server are real network peers).
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  armWrites,
  startWorld,
  type ActionRun,
  type World,
  stopWorlds
} from '../../launcher/world.ts'

let world: World | undefined
afterEach(stopWorlds)

/** HTML escaping as a reader of the summary expects it (written here independently of src/report/escape.ts). */
function h(value: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '`': '&#96;',
    '|': '&#124;'
  }
  return value.replace(/[&<>"'`|]/g, c => entities[c])
}

const STEP_ICON: Record<string, string> = {
  created: '🆕',
  updated: '✏️',
  unchanged: '✅',
  planned: '📝',
  failed: '❌',
  skipped: '⏭️',
  done: '✅'
}
const CHECK_ICON: Record<string, string> = { passed: '✅', failed: '❌', skipped: '⏭️', warning: '⚠️' }
const statusCell = (status: string): string => (status === 'failed' ? '<b>failed</b>' : status)

/** The summary's row for a check of the run's result: icon, title, result and the evidence, escaped. */
function checkRow(run: ActionRun, id: string): string {
  const check = run.result.checks.find(c => c.id === id) as unknown as {
    title: string
    status: string
    evidence: string
  }
  expect(check).toBeDefined()
  return `<tr><td>${CHECK_ICON[check.status]} ${h(check.title)}</td><td>${statusCell(check.status)}</td><td>${h(check.evidence)}</td></tr>`
}

/** The start of the summary's row for a step: icon, title, status and its change (before → after, or detail). */
function stepRow(run: ActionRun, id: string): string {
  const step = run.result.steps.find(s => s.id === id) as unknown as {
    title: string
    status: string
    before?: string
    after?: string
    detail?: string
  }
  expect(step).toBeDefined()
  const change =
    step.before !== undefined || step.after !== undefined
      ? `${h(step.before ?? '')} → ${h(step.after ?? '')}`
      : h(step.detail ?? '')
  return `<tr><td>${STEP_ICON[step.status]} ${h(step.title)}</td><td>${statusCell(step.status)}</td><td>${change}</td>`
}

/** Text the action wrote, as the summary renders it: escaped, `code spans` as <code>. */
function prose(value: string): string {
  return value
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 ? `<code>${h(part)}</code>` : h(part)))
    .join('')
}

/** The "What went wrong and how to fix it" list, or '' when the summary has none. */
function fixes(run: ActionRun): string {
  return /### What went wrong and how to fix it\n+<ul>(.*?)<\/ul>/s.exec(run.summary)?.[1] ?? ''
}

function verdict(run: ActionRun): string {
  return run.summary.split('\n')[0]
}

/**
 * One error for the app (GitHub shows at most 10 per step): titled after its first problem, saying every failed
 * check's evidence and fix.
 */
function expectAnnotatedFailures(run: ActionRun): void {
  expect(run.errors).toHaveLength(1)
  const [error] = run.errors
  expect(error.properties.title).toBeTruthy()
  for (const c of run.result.checks.filter(c => c.status === 'failed')) {
    expect(error.message).toContain(c.evidence)
    if (c.fix) expect(error.message).toContain(`Fix: ${c.fix}`)
  }
}

/** One notice for the app when it changed something: each change, before → after. */
function expectNoticePerChange(run: ActionRun): void {
  const changed = run.result.steps.filter(s => s.status === 'created' || s.status === 'updated')
  if (!changed.length) return expect(run.notices).toEqual([])
  expect(run.notices).toHaveLength(1)
  expect(run.notices[0].message.split('\n')).toEqual(
    changed.map(s => `${s.title} (${s.status}): ${s.before ?? ''} → ${s.after ?? s.detail ?? ''}`)
  )
}

describe('the job summary of a fresh app, and of a rerun', () => {
  it('shows the verdict, a row per step with before → after, a row per check with its evidence, links and snippets', async () => {
    world = await startWorld()
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    const principalId = run.outputs['principal-id']

    expect(verdict(run)).toBe(
      `## ✅ Connected: <code>${APP}</code> → <code>${CACHE}</code> (changes applied and verified)`
    )
    expect(fixes(run)).toBe('')
    // Steps in pipeline order, whatever order the concurrent ones finished in.
    expect(run.result.steps.map(s => s.id)).toEqual([
      'sign-in',
      'identity',
      'assignment',
      'variables',
      'revision'
    ])
    const steps = run.summary.slice(run.summary.indexOf('### Steps'), run.summary.indexOf('### Checks'))
    let previous = -1
    for (const id of ['sign-in', 'identity', 'assignment', 'variables', 'revision']) {
      const at = steps.indexOf(stepRow(run, id))
      expect(at).toBeGreaterThan(previous)
      previous = at
    }
    expect(steps).toContain(
      '<td>✏️ Managed identity</td><td>updated</td><td>no managed identity → system-assigned</td>'
    )
    expect(steps).toContain(`→ ${run.outputs.revision}</td>`)
    expect(run.summary).toContain(`<details><summary>Variables set (3)</summary>`)
    expect(run.summary).toContain(
      `<tr><td>api</td><td><code>REDIS_OBJECT_ID</code></td><td>(unset)</td><td>${principalId}</td></tr>`
    )

    for (const id of ['identity', 'entra-auth', 'assignment', 'variables', 'revision'])
      expect(run.summary).toContain(checkRow(run, id))
    expect(run.result.checks.find(c => c.id === 'identity')?.evidence).toContain(principalId)
    expect(run.result.checks.find(c => c.id === 'variables')?.evidence).toContain(
      `REDIS_OBJECT_ID=${principalId}`
    )
    expect(run.summary).toMatch(
      /Azure portal: <a href="https:\/\/portal\.azure\.com\/#@\/resource\/subscriptions\/[^"]+\/containerApps\/orders-api">Container app<\/a>/
    )
    expect(run.summary).toContain('<details><summary>Use it from your app</summary>\n\n')
    expect(run.summary).toContain('\n```python\n')
    expect(run.summary).toContain(
      '    username=os.environ["REDIS_OBJECT_ID"],  # the object id, not the client id\n'
    )
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)

    expect(run.errors).toEqual([])
    expectNoticePerChange(run)

    const again = await world.run()
    expect(again.exitCode).toBe(0)
    expect(verdict(again)).toBe(
      `## ✅ Already connected: <code>${APP}</code> → <code>${CACHE}</code> (nothing to change, verified)`
    )
    expect(again.result.steps.filter(s => s.id !== 'sign-in').map(s => s.status)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged'
    ])
    expect(again.summary).not.toContain('Variables set')
    expect(again.notices).toEqual([])
    expect(again.errors).toEqual([])
  })
})

describe('deployment gating', () => {
  it('fails the step when the new revision fails to provision, and the summary gives the reason', async () => {
    world = await startWorld()
    const { sandbox } = world
    const readyBefore = sandbox.getContainerApp(APP_RG, APP).properties.latestReadyRevisionName
    sandbox.failRevisions(APP_RG, APP, { reason: 'container api exited with code 137 (OOMKilled)' })

    const run = await world.run()
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    expect(run.result.succeeded).toBe(false)
    // The failed revision never became ready: traffic stays on the old one.
    expect(sandbox.getContainerApp(APP_RG, APP).properties.latestReadyRevisionName).toBe(readyBefore)

    expect(verdict(run)).toBe(
      `## ❌ Not connected: <code>${APP}</code> → <code>${CACHE}</code> (failed&#58; New revision)`
    )
    const failed = run.result.steps.filter(s => s.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0].error).toContain('container api exited with code 137 (OOMKilled)')
    expect(run.summary).toContain(stepRow(run, failed[0].id))
    expect(fixes(run)).toContain(h('container api exited with code 137 (OOMKilled)'))
    expect(run.summary).not.toContain('Use it from your app')
    expect(run.summary).not.toContain('✅ Connected')

    expectAnnotatedFailures(run)
    expect(run.errors[0].properties.title).toBe('New revision')
    expect(run.errors[0].message).toContain('OOMKilled')
    expectNoticePerChange(run)
  })
})

describe('health-url', () => {
  it('passes when the app, through its ingress, really reaches Redis with its managed identity', async () => {
    world = await startWorld()
    const { sandbox } = world
    const url = sandbox.healthUrl(APP_RG, APP)
    const run = await world.run({ 'health-url': url })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    const check = run.result.checks.find(c => c.id === 'health-url')
    expect(check?.status).toBe('passed')
    expect(check?.evidence).toMatch(
      new RegExp(
        `^${url.replace(/[.?*+^$[\]\\(){}|-]/g, '\\$&')} answered 200 after 1 attempt in \\d+\\.\\d s \\(statuses seen: 200\\)$`
      )
    )
    // The stand-in signed in as the app's identity: the evidence is about the app, not the runner.
    expect(sandbox.tokensIssued).toContainEqual(
      expect.objectContaining({ grant: 'managed_identity', objectId: run.outputs['principal-id'] })
    )
    expect(run.summary).toContain(checkRow(run, 'health-url'))
  })

  it('fails with the statuses, the attempts and the answer of an app that cannot reach Redis', async () => {
    world = await startWorld()
    const { sandbox } = world
    // An app without the variables: its health endpoint answers 503 with the reason.
    sandbox.addContainerApp(APP_RG, 'legacy-api', { containers: [{ name: 'api' }] })
    const url = sandbox.healthUrl(APP_RG, 'legacy-api')
    // Long enough for the wait to say, at least once, what it waits for and what it has seen.
    const run = await world.run({ 'health-url': url, 'timeout-minutes': '0.6' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    const check = run.result.checks.find(c => c.id === 'health-url')
    expect(check?.status).toBe('failed')
    const attempts = Number(
      /did not answer 2xx in (\d+) attempts over \d+\.\d s/.exec(check?.evidence ?? '')?.[1]
    )
    expect(attempts).toBeGreaterThanOrEqual(2)
    expect(check?.evidence).toContain(`(statuses seen: 503 ×${attempts})`)
    expect(check?.evidence).toContain('app variable(s) not set: REDIS_HOST, REDIS_PORT, REDIS_OBJECT_ID')
    expect(check?.fix).toContain('app logs')
    expect(run.stdout.split('\n')).toContainEqual(
      expect.stringMatching(
        /^Still waiting for https:\/\/\S+ to answer 2xx: statuses seen: 503( ×\d+)? \[\d+s elapsed\]$/
      )
    )
    // Everything else was applied and checks out: only the proof failed.
    expect(run.result.checks.filter(c => c.status === 'failed').map(c => c.id)).toEqual(['health-url'])
    const total = run.result.checks.length

    expect(verdict(run)).toBe(
      `## ❌ Not verified: <code>${APP}</code> → <code>${CACHE}</code> (1 of ${total} checks failed)`
    )
    expect(run.summary).toContain(checkRow(run, 'health-url'))
    expect(fixes(run)).toContain(`<li><b>Health URL answers 2xx</b>: ${h(check?.evidence ?? '')}`)
    expect(fixes(run)).toContain(`👉 <b>Fix:</b> ${prose(check?.fix ?? '')}`)
    expect(run.summary).not.toContain('Use it from your app')

    expectAnnotatedFailures(run)
    expect(run.errors[0].properties.title).toBe('Check failed: Health URL answers 2xx')
    expect(run.errors[0].message).toContain('statuses seen: 503')
    expectNoticePerChange(run)
  })
})

describe('probe-redis (from the runner, as the workflow identity)', () => {
  it('fails with WRONGPASS when the workflow identity has no access policy, and says what to do', async () => {
    world = await startWorld()
    const oid = world.workflow.objectId
    const run = await world.run({ 'probe-redis': 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    const check = run.result.checks.find(c => c.id === 'probe-redis')
    expect(check?.status).toBe('failed')
    expect(check?.evidence).toContain(
      `AUTH as object id ${oid} (the workflow identity) was refused: WRONGPASS`
    )
    expect(check?.fix).toContain(`Give the workflow identity (object id ${oid}) an access policy assignment`)
    expect(check?.fix).toContain('`probe-redis: false`')
    // The app's own connection is fine; only the runner's probe is refused.
    expect(run.result.checks.filter(c => c.status === 'failed').map(c => c.id)).toEqual(['probe-redis'])

    expect(verdict(run)).toContain("## ❌ Connected, but the runner's Redis probe failed:")
    expect(run.summary).toContain(checkRow(run, 'probe-redis'))
    expect(fixes(run)).toContain(prose(check?.fix ?? ''))
    expectAnnotatedFailures(run)
    expect(run.errors[0].message).toContain('WRONGPASS')
  })

  it('passes with Data Contributor: TLS, AUTH as the object id, PING, SET/GET/DEL of a key that expires', async () => {
    world = await startWorld()
    const oid = world.workflow.objectId
    await world.sandbox.addAssignment(CACHE_RG, CACHE, 'github-workflow', {
      objectId: oid,
      accessPolicyName: 'Data Contributor'
    })
    const run = await world.run({ 'probe-redis': 'true' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    const check = run.result.checks.find(c => c.id === 'probe-redis')
    expect(check?.status).toBe('passed')
    expect(check?.evidence).toMatch(
      new RegExp(
        `^proven in \\d+ ms: TLS to ${run.outputs['redis-host']}:${run.outputs['redis-port']}, AUTH as object id ${oid} \\(the workflow identity\\), PING, SET/GET/DEL of a temporary key \\(TTL 60 s\\)$`
      )
    )
    // The token came from the workflow's own sign-in (client credentials), for the Redis audience.
    expect(world.sandbox.tokensIssued).toContainEqual(
      expect.objectContaining({ objectId: oid, scope: 'https://redis.azure.com/.default' })
    )
    expect(run.summary).toContain(checkRow(run, 'probe-redis'))
    expect(run.errors).toEqual([])
  })
})

describe('verify mode', () => {
  it('on an unconfigured app: failed check rows, a fix for each, an error per failed check, no writes', async () => {
    world = await startWorld()
    const run = await world.run({ mode: 'verify' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.verified).toBe('false')
    expect(armWrites(world.sandbox)).toEqual([])

    expect(verdict(run)).toBe(
      `## ❌ Not connected: <code>${APP}</code> → <code>${CACHE}</code> (3 of ${run.result.checks.length} checks failed)`
    )
    const failed = run.result.checks.filter(c => c.status === 'failed')
    expect(failed.map(c => c.id)).toEqual(['identity', 'assignment', 'variables'])
    for (const c of run.result.checks) expect(run.summary).toContain(checkRow(run, c.id))
    for (const c of failed) {
      expect(c.fix).toContain('mode: apply')
      expect(fixes(run)).toContain(`${h(c.evidence)}<br>👉 <b>Fix:</b> ${prose(c.fix ?? '')}`)
    }
    expect(failed.find(c => c.id === 'identity')?.evidence).toBe('the app has no system-assigned identity')
    expect(failed.find(c => c.id === 'variables')?.evidence).toContain(
      "REDIS_OBJECT_ID is missing, expected the identity's object id"
    )
    expect(run.result.steps.map(s => s.id)).toEqual(['sign-in'])
    expect(run.notices).toEqual([])
    expectAnnotatedFailures(run)
    expect(run.errors[0].properties.title).toBe('Check failed: App has the managed identity (and 2 more)')
  })

  it('on a configured app: the verified verdict, every check passed with its evidence, no fixes', async () => {
    world = await startWorld()
    expect((await world.run()).exitCode).toBe(0)
    world.sandbox.clearLog()
    const run = await world.run({ mode: 'verify', 'health-url': world.sandbox.healthUrl(APP_RG, APP) })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.verified).toBe('true')
    expect(armWrites(world.sandbox)).toEqual([])
    expect(verdict(run)).toBe(
      `## ✅ Verified: <code>${APP}</code> → <code>${CACHE}</code> (connected with Microsoft Entra ID)`
    )
    expect(run.result.checks.map(c => [c.id, c.status])).toEqual([
      ['identity', 'passed'],
      ['entra-auth', 'passed'],
      ['assignment', 'passed'],
      ['variables', 'passed'],
      ['sign-in-identity', 'passed'],
      ['revision', 'passed'],
      ['traffic', 'passed'],
      ['health-url', 'passed']
    ])
    for (const c of run.result.checks) expect(run.summary).toContain(checkRow(run, c.id))
    expect(fixes(run)).toBe('')
    expect(run.summary).not.toContain('<b>failed</b>')
    expect(run.errors).toEqual([])
    expect(run.notices).toEqual([])
  })
})

describe('escaping', () => {
  const xss = '<script>alert(1)</script>'
  const img = '<img src=x onerror=alert(1)>'
  const hostile = {
    containers: [
      { name: 'api', env: [{ name: 'REDIS_HOST', value: xss }] },
      { name: 'worker', env: [{ name: 'REDIS_PORT', value: `${img} | \`x\`` }] }
    ]
  }

  it('shows values from Azure escaped, never as HTML, in the variables, checks and fixes', async () => {
    world = await startWorld({ app: hostile })
    const verify = await world.run({ mode: 'verify' })
    expect(verify.exitCode).toBe(1)
    const variables = verify.result.checks.find(c => c.id === 'variables')
    expect(variables?.evidence).toContain(`REDIS_HOST is ${JSON.stringify(xss)}`)
    expect(fixes(verify)).toContain(h(JSON.stringify(xss)))
    expect(verify.summary).toContain(checkRow(verify, 'variables'))

    const apply = await world.run()
    expect(apply.exitCode).toBe(0)
    expect(apply.result.variables).toContainEqual(
      expect.objectContaining({ container: 'api', name: 'REDIS_HOST', before: xss })
    )
    expect(apply.summary).toContain(
      `<tr><td>api</td><td><code>REDIS_HOST</code></td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>`
    )
    expect(apply.summary).toContain(
      `<td>worker</td><td><code>REDIS_PORT</code></td><td>&lt;img src=x onerror=alert(1)&gt; &#124; &#96;x&#96;</td>`
    )

    for (const run of [verify, apply]) {
      expect(run.summary).not.toContain('<script')
      expect(run.summary).not.toContain('<img')
      expect(run.summary).not.toContain('`x`')
    }
  })
})
