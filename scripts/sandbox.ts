// `npm run sandbox -- [input=value ...]`: runs the bundled action once, with the given inputs, against a fresh
// local Azure sandbox (one container app, orders-api in rg-apps, and one cache, orders-cache in rg-data), and
// prints its log, job summary and outputs. For trying inputs by hand, e.g.
//   npm run sandbox -- mode=plan
//   npm run sandbox -- probe-redis=true access-policy='Data Owner'
import { startWorld } from '../launcher/world.ts'
import { summaryAsText } from './summary-text.ts'

const inputs: Record<string, string> = {}
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=')
  if (eq < 1) {
    console.error(`npm run sandbox: expected input=value, not '${arg}'`)
    process.exit(2)
  }
  inputs[arg.slice(0, eq)] = arg.slice(eq + 1)
}

const world = await startWorld({ bundle: true })
try {
  const run = await world.run(inputs)
  console.log(run.stdout)
  console.log(summaryAsText(run.summary))
  console.log(`exit code ${run.exitCode}; outputs:`)
  for (const [name, value] of Object.entries(run.outputs))
    if (name !== 'result') console.log(`  ${name}=${value}`)
  process.exitCode = run.exitCode
} finally {
  await world.stop()
}
