// The README's first command: runs the bundled action for real against the local Azure sandbox, twice
// (a fresh app, then a rerun that changes nothing), and shows each job summary in the terminal.
import { startWorld } from '../launcher/world.ts'
import { summaryAsText } from './summary-text.ts'

// A little of Azure's latency (scaled down), so the durations in the summary mean something.
const world = await startWorld({
  bundle: true,
  latency: {
    armRequestMs: 30,
    identityUpdateMs: 600,
    assignmentMs: 1500,
    appUpdateMs: 800,
    revisionReadyMs: 1500
  },
  app: {
    containers: [
      { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
    ],
    secrets: [{ name: 'db-password', value: 'kept-safe' }],
    ingress: { external: true, targetPort: 8080 }
  }
})
try {
  for (const [title, inputs] of [
    ['1. A fresh app: identity, access policy, variables, new revision', {}],
    ['2. The same step again: nothing to change, verified', {}]
  ] as const) {
    const healthUrl = world.sandbox.healthUrl('rg-apps', 'orders-api')
    const run = await world.run({ ...inputs, 'health-url': healthUrl, 'probe-redis': 'false' })
    console.log(
      `\n\x1b[1m=== ${title} (exit code ${run.exitCode}, ${(run.durationMs / 1000).toFixed(1)} s) ===\x1b[0m\n`
    )
    console.log(summaryAsText(run.summary))
    console.log(
      `outputs: changed=${run.outputs.changed} verified=${run.outputs.verified} revision=${run.outputs.revision}`
    )
    if (run.exitCode !== 0) {
      console.log(run.stdout)
      process.exitCode = 1
    }
  }
} finally {
  await world.stop()
}
