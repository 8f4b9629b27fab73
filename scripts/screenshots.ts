// Makes the README's job summary screenshots: runs the bundled action against the local Azure sandbox twice — a
// fresh app that connects and passes every check, and a run whose data-plane probe is refused — writes each job
// summary, and screenshots it as GitHub shows it (docs/summary-success.png, docs/summary-failure.png).
// Needs Debian's chromium (apt-get install -y chromium fonts-noto-color-emoji) and a built dist/ (npm run package).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { APP, APP_RG, CACHE, CACHE_RG, startWorld } from '../launcher/world.ts'
import { screenshotSummary } from './screenshot-summary.ts'

const app = {
  containers: [
    { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
  ],
  secrets: [{ name: 'db-password', value: 'kept-safe' }],
  ingress: { external: true, targetPort: 8080 }
}

const scenarios = [
  {
    file: 'summary-success',
    title: 'A fresh app: identity, access policy, variables, new revision; health URL and Redis probe pass',
    /** the workflow identity may use the cache, so the runner's probe passes */
    workflowAssignment: true
  },
  {
    file: 'summary-failure',
    title: 'probe-redis with a workflow identity that has no access policy on the cache',
    workflowAssignment: false
  }
]

const out = join(process.cwd(), 'docs')
await mkdir(out, { recursive: true })
const work = await mkdtemp(join(tmpdir(), 'summaries-'))
try {
  for (const scenario of scenarios) {
    const world = await startWorld({ app })
    try {
      if (scenario.workflowAssignment) {
        await world.sandbox.addAssignment(CACHE_RG, CACHE, 'github-workflow', {
          objectId: world.workflow.objectId,
          accessPolicyName: 'Data Contributor',
          objectIdAlias: 'github-workflow'
        })
      }
      const run = await world.run({
        'health-url': world.sandbox.healthUrl(APP_RG, APP),
        'probe-redis': 'true'
      })
      const expected = scenario.workflowAssignment ? 0 : 1
      if (run.exitCode !== expected) {
        console.error(run.stdout, run.stderr)
        throw new Error(`${scenario.file}: exit code ${run.exitCode}, expected ${expected}`)
      }
      const summary = join(work, `${scenario.file}.md`)
      await writeFile(summary, run.summary)
      const png = join(out, `${scenario.file}.png`)
      await screenshotSummary(summary, png, { title: 'orders-api: Connect to Azure Cache for Redis' })
      console.log(`${scenario.title}\n  exit code ${run.exitCode} → ${png}`)
    } finally {
      await world.stop()
    }
  }
} finally {
  await rm(work, { recursive: true, force: true })
}
