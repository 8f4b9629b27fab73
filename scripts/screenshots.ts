// Makes the README's job summary screenshots: runs the bundled action against the local Azure sandbox, with an
// Azure-like latency profile, in three scenarios — a fresh app that connects and passes every check, a new revision
// that fails to start, and a runner probe whose workflow identity has no access policy — and screenshots each
// summary as GitHub renders it (scripts/screenshot-summary.ts: cmark-gfm, GitHub's allowlist and styles), folds open.
// The sandbox serves the cache and the app from localhost; the summaries show the names Azure gives them instead
// (the cache's host name and TLS port, the app's ingress address), swapped in before rendering.
// Needs Debian's cmark-gfm, chromium and fonts-noto-color-emoji, and a built dist/ (npm run package).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP, APP_RG, CACHE, CACHE_RG, startWorld, type World } from '../launcher/world.ts'
import { screenshotSummary } from './screenshot-summary.ts'

/** What Azure takes, scaled to half the benchmark's profile (README "Performance") to keep this quick. */
const LATENCY = {
  armRequestMs: 60,
  identityUpdateMs: 1_500,
  assignmentMs: 5_000,
  appUpdateMs: 2_500,
  revisionReadyMs: 5_000
}

const app = {
  containers: [
    { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
  ],
  secrets: [{ name: 'db-password', value: 'kept-safe' }],
  ingress: { external: true, targetPort: 8080 }
}

interface Scenario {
  file: string
  title: string
  exitCode: number
  prepare(world: World): Promise<Record<string, string>>
}

const scenarios: Scenario[] = [
  {
    file: 'summary-success',
    title: 'A fresh app: identity, access policy, variables, new revision; health URL and Redis probe pass',
    exitCode: 0,
    prepare: async world => {
      await world.sandbox.addAssignment(CACHE_RG, CACHE, 'github-workflow', {
        objectId: world.workflow.objectId,
        accessPolicyName: 'Data Reader',
        objectIdAlias: 'github-workflow'
      })
      return { 'health-url': world.sandbox.healthUrl(APP_RG, APP), 'probe-redis': 'true' }
    }
  },
  {
    file: 'summary-failure',
    title: 'The new revision fails to start (the image runs out of memory)',
    exitCode: 1,
    prepare: async world => {
      world.sandbox.failRevisions(APP_RG, APP, {
        reason: "Container 'api' was terminated with exit code '137' (OOMKilled)"
      })
      return {}
    }
  },
  {
    file: 'summary-probe',
    title:
      "probe-redis with a workflow identity that has no access policy on the cache (the app's own checks pass)",
    exitCode: 1,
    prepare: async () => ({ 'probe-redis': 'true' })
  }
]

/** The names Azure would show instead of the sandbox's local addresses. */
function asInAzure(summary: string, world: World): string {
  const fqdn = world.sandbox.getContainerApp(APP_RG, APP).properties.configuration.ingress?.fqdn ?? ''
  const dataPlane = world.sandbox.dataPlane
  let text = summary
  if (dataPlane) {
    const host = `${CACHE}.redis.cache.windows.net`
    text = text
      .replaceAll(`${dataPlane.host}:${dataPlane.port}`, `${host}:6380`)
      .replaceAll(`REDIS_PORT=${dataPlane.port}`, 'REDIS_PORT=6380')
      .replaceAll(`REDIS_HOST=${dataPlane.host}`, `REDIS_HOST=${host}`)
      .replaceAll(`<td>${dataPlane.port}</td>`, '<td>6380</td>')
      .replaceAll(`<td>${dataPlane.host}</td>`, `<td>${host}</td>`)
  }
  return text.replace(/https:\/\/localhost:\d+\/[^/\s"<]+\/[^/\s"<]+\/healthz/g, `https://${fqdn}/healthz`)
}

const out = join(process.cwd(), 'docs')
await mkdir(out, { recursive: true })
const work = await mkdtemp(join(tmpdir(), 'summaries-'))
try {
  for (const scenario of scenarios) {
    const world = await startWorld({ app, latency: LATENCY, bundle: true })
    try {
      const inputs = await scenario.prepare(world)
      const run = await world.run(inputs)
      if (run.exitCode !== scenario.exitCode) {
        console.error(run.stdout, run.stderr)
        throw new Error(`${scenario.file}: exit code ${run.exitCode}, expected ${scenario.exitCode}`)
      }
      const summary = join(work, `${scenario.file}.md`)
      await writeFile(summary, asInAzure(run.summary, world))
      const png = join(out, `${scenario.file}.png`)
      await screenshotSummary(summary, png, { title: `${APP}: Connect to Azure Cache for Redis` })
      console.log(
        `${scenario.title}\n  exit code ${run.exitCode}, ${(run.durationMs / 1000).toFixed(1)} s → ${png}`
      )
    } finally {
      await world.stop()
    }
  }
} finally {
  await rm(work, { recursive: true, force: true })
}
