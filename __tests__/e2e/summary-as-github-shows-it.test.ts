// The job summary as GitHub shows it: every summary here is rendered with GitHub's parser (cmark-gfm and its
// extensions) and allowlist, and the assertions are on that HTML — the headline of each mode and outcome, whole
// code blocks, the links users click first, and the log lines a run prints.
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  APP,
  APP_RG,
  CACHE,
  CACHE_RG,
  startWorld,
  stopWorlds,
  type ActionRun,
  type World
} from '../../launcher/world.ts'
import { codeBlocks, folded, heading, hrefs, textOf, view } from './github-view.ts'

let world: World | undefined
afterEach(stopWorlds)

const WITH_INGRESS = {
  containers: [
    { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
  ],
  ingress: { external: true, targetPort: 8080 }
}

/** The lines the action printed for the user (not the runner's commands). */
function logLines(run: ActionRun): string[] {
  return run.stdout.split('\n').filter(l => l && !l.startsWith('::'))
}

function portal(world: World, path: string): string {
  return `https://portal.azure.com/#@/resource/subscriptions/${world.sandbox.subscriptionId}${path}`
}
const APP_PATH = `/resourceGroups/${APP_RG}/providers/Microsoft.App/containerApps/${APP}`

describe('each mode has its own verdict, for success and failure', () => {
  it('apply, a no-op rerun, verify, plan, disconnect and a second disconnect', async () => {
    world = await startWorld({ app: WITH_INGRESS })
    const healthUrl = world.sandbox.healthUrl(APP_RG, APP)

    const applied = await world.run({ 'health-url': healthUrl })
    expect(applied.exitCode).toBe(0)
    const html = view(applied.summary)
    expect(heading(html)).toBe(`✅ Connected: ${APP} → ${CACHE} (changes applied and verified)`)
    // What users click first: the app's address, the new revision's blade, the resources.
    const fqdn = world.sandbox.getContainerApp(APP_RG, APP).properties.configuration.ingress?.fqdn
    const revision = applied.outputs.revision
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([
        `https://${fqdn}`,
        portal(world, `${APP_PATH}/revisionManagement`),
        portal(world, APP_PATH),
        portal(world, `/resourceGroups/${CACHE_RG}/providers/Microsoft.Cache/redis/${CACHE}`)
      ])
    )
    expect(textOf(html)).toContain(`new revision ${revision}`)
    // The usage code: in a fold, three fenced blocks with a language, whole (indentation and blank lines kept).
    const usage = folded(html, 'Use it from your app') ?? ''
    const blocks = codeBlocks(usage)
    expect(blocks.map(b => b.lang)).toEqual(['js', 'python', 'csharp'])
    expect(blocks[0].code).toContain(
      "import { createClient } from 'redis'\nimport { DefaultAzureCredential } from '@azure/identity'"
    )
    expect(blocks[0].code).toContain("'@redis/entraid'\n\nconst provider")
    expect(blocks[0].code).toContain('\n  scopes: REDIS_SCOPE_DEFAULT,\n')
    expect(blocks[1].code).toContain(
      '    username=os.environ["REDIS_OBJECT_ID"],  # the object id, not the client id\n'
    )
    expect(usage).not.toContain('<a href')
    // Each step's change, in the steps table; the variables, folded.
    expect(folded(html, 'Variables set (3)')).toContain(
      '<td><code>REDIS_OBJECT_ID</code></td><td>(unset)</td>'
    )
    // The log says how it ended, once; one notice sums up what changed.
    expect(logLines(applied)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✅ Connected: ${APP} → ${CACHE} \\(changes applied and verified\\); ${applied.result.checks.length} of ${applied.result.checks.length} checks passed \\[`
        )
      )
    )
    expect(applied.notices).toHaveLength(1)
    expect(applied.notices[0].properties.title).toBe(
      `Connected: ${APP} → ${CACHE} (changes applied and verified)`
    )
    expect(applied.notices[0].message).toContain('New revision (created): ')

    const again = await world.run()
    expect(heading(view(again.summary))).toBe(
      `✅ Already connected: ${APP} → ${CACHE} (nothing to change, verified)`
    )
    // A no-op run logs one line per app (it used to print nothing at all).
    expect(logLines(again).filter(l => /^[✅❌📝]/u.test(l))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^✅ Already connected: ${APP} → ${CACHE} \\(nothing to change, verified\\); ${again.result.checks.length} of ${again.result.checks.length} checks passed \\[`
        )
      )
    ])
    expect(again.notices).toEqual([])

    const verified = await world.run({ mode: 'verify' })
    expect(heading(view(verified.summary))).toBe(
      `✅ Verified: ${APP} → ${CACHE} (connected with Microsoft Entra ID)`
    )

    const planned = await world.run({ mode: 'plan' })
    const planHtml = view(planned.summary)
    expect(heading(planHtml)).toBe(`✅ Plan: ${APP} → ${CACHE} (nothing to change)`)
    expect(planHtml).not.toContain('Use it from your app')

    const disconnected = await world.run({ mode: 'disconnect' })
    expect(disconnected.exitCode).toBe(0)
    const gone = view(disconnected.summary)
    expect(heading(gone)).toBe(`✅ Disconnected: ${APP} from ${CACHE} (removed and verified)`)
    expect(textOf(gone)).not.toMatch(/Connected|Variables set|\(removed\)/)
    expect(gone).not.toContain('Use it from your app')
    expect(folded(gone, 'Variables removed (3)')).toContain('<th>Value removed</th>')
    expect(disconnected.notices.map(n => n.properties.title)).toEqual([
      `Disconnected: ${APP} from ${CACHE} (removed and verified)`
    ])

    const twice = await world.run({ mode: 'disconnect' })
    expect(heading(view(twice.summary))).toBe(
      `✅ Already disconnected: ${APP} from ${CACHE} (nothing to remove)`
    )

    const notConnected = await world.run({ mode: 'verify' })
    expect(notConnected.exitCode).toBe(1)
    expect(heading(view(notConnected.summary))).toBe(
      `❌ Not connected: ${APP} → ${CACHE} (${notConnected.result.checks.filter(c => c.status === 'failed').length} of ${notConnected.result.checks.length} checks failed)`
    )
  })

  it('a plan that cannot be applied, and an apply stopped before any write, say that nothing was written', async () => {
    world = await startWorld()
    const plan = await world.run({ mode: 'plan', 'access-policy': 'Data Writer' })
    expect(plan.exitCode).toBe(1)
    expect(heading(view(plan.summary))).toMatch(new RegExp(`^❌ Plan failed: ${APP} → ${CACHE} \\(`))

    const apply = await world.run({ 'access-policy': 'Data Writer' })
    expect(apply.exitCode).toBe(1)
    const html = view(apply.summary)
    expect(heading(html)).toMatch(
      new RegExp(`^❌ Not connected: ${APP} → ${CACHE} \\(.*; nothing was written to Azure\\)$`)
    )
    expect(html).toContain('<p>Nothing was written to Azure.</p>')

    const input = await world.run({ mode: 'nope' })
    const inputHtml = view(input.summary)
    expect(heading(inputHtml)).toBe(
      '❌ The run did not start (failed: Invalid input; nothing was written to Azure)'
    )
    expect(inputHtml).not.toContain('mode <code>')
  })

  it('a disconnect that fails says so, and does not claim a connection', async () => {
    world = await startWorld()
    expect((await world.run()).exitCode).toBe(0)
    world.sandbox.faults.add({
      method: 'DELETE',
      path: /accessPolicyAssignments\//,
      kind: 'status',
      status: 400,
      code: 'BadRequest',
      message: 'The access policy assignment cannot be deleted now.'
    })
    const run = await world.run({ mode: 'disconnect' })
    expect(run.exitCode).toBe(1)
    const html = view(run.summary)
    expect(heading(html)).toMatch(new RegExp(`^❌ Not disconnected: ${APP} from ${CACHE}`))
    expect(html).not.toContain('Use it from your app')
    expect(run.errors).toHaveLength(1)
  })
})

describe('a revision that fails', () => {
  it('links the Log stream and gives the logs command for that revision', async () => {
    world = await startWorld({ app: WITH_INGRESS })
    world.sandbox.failRevisions(APP_RG, APP, { reason: 'container api exited with code 137 (OOMKilled)' })
    const run = await world.run()
    expect(run.exitCode).toBe(1)
    const html = view(run.summary)
    expect(heading(html)).toBe(`❌ Not connected: ${APP} → ${CACHE} (failed: New revision)`)
    const failed = run.result.steps.find(s => s.id === 'revision')
    const name = failed?.after ?? ''
    expect(name).toMatch(new RegExp(`^${APP}--`))
    expect(hrefs(html)).toContain(portal(world, `${APP_PATH}/logstream`))
    expect(textOf(html)).toContain(`failed revision ${name}`)
    const [logs] = codeBlocks(html)
    expect(logs).toEqual({
      lang: 'sh',
      code:
        `az containerapp logs show --name ${APP} --resource-group ${APP_RG} --revision ${name} --type system --tail 100\n` +
        `az containerapp logs show --name ${APP} --resource-group ${APP_RG} --revision ${name} --type console --tail 100\n`
    })
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0].message).toContain('OOMKilled')
  })
})

describe('the probe from the runner signs in as the workflow identity, not as the app', () => {
  it('without a policy of its own: the app is connected, the probe failed, and the fix asks for no more than Data Reader', async () => {
    world = await startWorld()
    const oid = world.workflow.objectId
    const run = await world.run({ 'probe-redis': 'true' })
    expect(run.exitCode).toBe(1)
    const html = view(run.summary)
    expect(heading(html)).toBe(
      `❌ Connected, but the runner's Redis probe failed: ${APP} → ${CACHE} (the probe signs in as the workflow identity, not as the app)`
    )
    const check = run.result.checks.find(c => c.id === 'probe-redis')
    expect(check?.status).toBe('failed')
    expect(check?.evidence).toContain(
      `AUTH as object id ${oid} (the workflow identity) was refused: WRONGPASS`
    )
    expect(check?.fix).toContain('`Data Reader` is enough')
    expect(check?.fix).not.toContain('Data Contributor')
    expect(check?.fix).toContain("not as the app's")
    expect(html).toContain('<code>Data Reader</code>')
    expect(html).toContain('<code>probe-redis: false</code>')
    expect(run.result.checks.filter(c => c.status === 'failed').map(c => c.id)).toEqual(['probe-redis'])
  })

  it('with Data Reader: AUTH and PING proven, SET/GET/DEL said to be not checked, and the check passes', async () => {
    world = await startWorld()
    const oid = world.workflow.objectId
    await world.sandbox.addAssignment(CACHE_RG, CACHE, 'github-workflow', {
      objectId: oid,
      accessPolicyName: 'Data Reader'
    })
    const run = await world.run({ 'probe-redis': 'true' })
    expect(run.exitCode).toBe(0)
    const check = run.result.checks.find(c => c.id === 'probe-redis')
    expect(check?.status).toBe('passed')
    expect(check?.evidence).toMatch(
      new RegExp(
        `^proven in \\d+ ms: TLS to [^,]+, AUTH as object id ${oid} \\(the workflow identity\\), PING; not checked: SET/GET/DEL \\(.*NOPERM`
      )
    )
    expect(heading(view(run.summary))).toBe(`✅ Connected: ${APP} → ${CACHE} (changes applied and verified)`)
  })
})

describe('hostile values', () => {
  it('a variable value with blank lines, Markdown and HTML stays in its table cell', async () => {
    const hostile =
      'x\n\n# Fake heading\n\n[click](https://evil.example/) ![img](https://evil.example/i.png)\n\n<img src=x onerror=alert(1)>\n\nwww.evil.example'
    world = await startWorld({
      app: { containers: [{ name: 'api', env: [{ name: 'REDIS_HOST', value: hostile }] }] }
    })
    const verify = await world.run({ mode: 'verify' })
    const apply = await world.run()
    expect(apply.exitCode).toBe(0)
    for (const run of [verify, apply]) {
      const html = view(run.summary)
      expect(html).not.toMatch(/<h1|<img|evil\.example\/"|href="https?:\/\/(www\.)?evil/)
      expect(
        hrefs(html).every(
          h => h.startsWith('https://portal.azure.com/') || h.includes('azurecontainerapps.io')
        )
      ).toBe(true)
      expect(html.match(/<h2>/g)).toHaveLength(1)
    }
    // The value is shown, escaped, in the variables table of the apply.
    const cell =
      /<td>api<\/td><td><code>REDIS_HOST<\/code><\/td><td>([^<]*)<\/td>/.exec(view(apply.summary))?.[1] ?? ''
    expect(textOf(cell)).toBe(hostile)
  })
})

describe('correlation ids', () => {
  it('lists every write with its x-ms-correlation-request-id, folded at the end', async () => {
    world = await startWorld()
    world.sandbox.clearLog()
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    const writes = world.sandbox.requestLog.filter(
      e => e.service === 'arm' && ['PUT', 'PATCH', 'DELETE', 'POST'].includes(e.method)
    )
    expect(writes.length).toBeGreaterThanOrEqual(3)
    const html = view(run.summary)
    const ids = folded(html, `Azure request ids of the ${writes.length} writes (for Azure support)`) ?? ''
    for (const w of writes) expect(ids).toContain(`<code>${w.correlationId}</code>`)
    // At the end: after the checks.
    expect(html.lastIndexOf('<details>')).toBe(html.indexOf('<details><summary>Azure request ids'))
  })
})
