import type { RunReport } from './run-report.js'

/** Outputs that belong to each app: one line per app, in the order the apps were given. */
const PER_APP = ['principal-id', 'client-id', 'assignment-name', 'revision'] as const
/** Outputs of the one cache of the run: the same for every app. */
const PER_CACHE = ['redis-host', 'redis-port'] as const

/** `{ "schemaVersion": 1, "apps": { "<name>": <result> } }`: every app's result, for one app as for many. */
function results(reports: RunReport[]): string {
  return JSON.stringify({
    schemaVersion: 1,
    apps: Object.fromEntries(reports.map(r => [r.target?.app ?? '', r]))
  })
}

/**
 * The action's outputs, whose shapes do not depend on the number of apps: plain values (per-app ones one line per
 * app), `changed` and `verified` over all apps, `result` an object of the result schema, and `results` every
 * app's result keyed by name.
 */
export function runOutputs(reports: RunReport[]): Record<string, string> {
  const perApp = (name: (typeof PER_APP)[number]) => reports.map(r => r.outputs[name]).join('\n')
  const perCache = (name: (typeof PER_CACHE)[number]) =>
    reports.find(r => r.outputs[name])?.outputs[name] ?? ''
  const plain = {
    ...Object.fromEntries(PER_APP.map(name => [name, perApp(name)])),
    ...Object.fromEntries(PER_CACHE.map(name => [name, perCache(name)])),
    changed: String(reports.some(r => r.outputs.changed)),
    verified: String(reports.length > 0 && reports.every(r => r.outputs.verified))
  }
  const [first] = reports
  // One app: its result. Several: the run's own fields of the same schema, with every app's result under `apps`.
  const result =
    reports.length === 1
      ? JSON.stringify(first)
      : JSON.stringify({
          schemaVersion: 1,
          mode: first?.mode,
          succeeded: reports.every(r => r.succeeded),
          outputs: { ...plain, changed: plain.changed === 'true', verified: plain.verified === 'true' },
          apps: Object.fromEntries(reports.map(r => [r.target?.app ?? '', r])),
          durationMs: Math.max(0, ...reports.map(r => (r.finishedAt ?? Date.now()) - r.startedAt))
        })
  return { ...plain, result, results: results(reports) }
}
