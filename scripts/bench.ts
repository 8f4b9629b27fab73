// `npm run bench`: runs the bundled action (dist/index.js) through the launcher against the local sandbox with
// a latency profile shaped like Azure, and prints wall times, ARM traffic, the critical path, cold start, bundle
// size and peak memory, with median and spread over several fresh worlds.
//   BENCH_RUNS=n   number of fresh runs (default 3)
//   --json         print the results as JSON instead of the table
//   BENCH_ACTION_DIR=dir   benchmark another build of the action (a directory with action.yml and dist/)
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from '../launcher/node24.ts'
import { armWrites, startWorld, type ActionRun } from '../launcher/world.ts'
import type { LatencyProfile } from '../sandbox/faults.ts'
import type { RequestLogEntry } from '../sandbox/index.ts'

const PROFILE: LatencyProfile = {
  armRequestMs: 100,
  identityUpdateMs: 3_000,
  assignmentMs: 10_000,
  appUpdateMs: 5_000,
  revisionReadyMs: 10_000,
  cacheUpdateMs: 0
}

/**
 * The critical path Azure allows for a fresh run: the identity PATCH first (the assignment and the variables
 * need its principal id), then the assignment and the variables PATCH at the same time, the variables followed
 * by the new revision becoming ready. Round trips, sign-in and process start are not part of it: they are the
 * action's overhead that the ratio measures.
 */
const FLOOR_MS =
  PROFILE.identityUpdateMs + Math.max(PROFILE.assignmentMs, PROFILE.appUpdateMs + PROFILE.revisionReadyMs)
/** The same, where (as in the sandbox, and often in Azure) the revision starts when the PATCH is accepted, so
 *  its readiness overlaps the PATCH operation: the tightest floor this sandbox allows. */
const TIGHT_FLOOR_MS =
  PROFILE.identityUpdateMs +
  Math.max(PROFILE.assignmentMs, Math.max(PROFILE.appUpdateMs, PROFILE.revisionReadyMs))
/** Everything one after the other, as the recipe's steps would run by hand. */
const SEQUENTIAL_MS =
  PROFILE.identityUpdateMs + PROFILE.assignmentMs + PROFILE.appUpdateMs + PROFILE.revisionReadyMs

const actionDir = process.env.BENCH_ACTION_DIR || undefined

const TARGETS = { freshOverFloor: 1.1, noopArmRequests: 6, noopWrites: 0, coldStartMs: 300 }

interface RunMetrics {
  wallMs: number
  armRequests: number
  byVerb: Record<string, number>
  writes: number
  /** longest chain of ARM requests each starting after the previous one ended */
  armDepth: number
  /** the same over every service (GitHub OIDC, Entra, ARM) */
  depth: number
  /** spawn → first request of any kind (the GitHub OIDC token request) */
  firstRequestMs?: number
  /** spawn → first ARM request */
  firstArmMs?: number
  maxRssBytes?: number
}

interface Sample {
  fresh: RunMetrics
  noop: RunMetrics
}

/** Length of the longest chain of intervals where each starts at or after the end of the one before. */
export function sequentialDepth(entries: Pick<RequestLogEntry, 'startedAt' | 'endedAt'>[]): number {
  const sorted = [...entries].sort((a, b) => a.startedAt - b.startedAt || a.endedAt - b.endedAt)
  const depth: number[] = []
  let best = 0
  for (let i = 0; i < sorted.length; i++) {
    let d = 1
    for (let j = 0; j < i; j++) if (sorted[j].endedAt <= sorted[i].startedAt) d = Math.max(d, depth[j] + 1)
    depth.push(d)
    best = Math.max(best, d)
  }
  return best
}

function metricsOf(run: ActionRun, log: RequestLogEntry[], writes: number): RunMetrics {
  const arm = log.filter(e => e.service === 'arm')
  const byVerb: Record<string, number> = {}
  for (const e of arm) byVerb[e.method] = (byVerb[e.method] ?? 0) + 1
  const first = (entries: RequestLogEntry[]) =>
    entries.length ? Math.min(...entries.map(e => e.startedAt)) - run.spawnedAt : undefined
  return {
    wallMs: run.durationMs,
    armRequests: arm.length,
    byVerb,
    writes,
    armDepth: sequentialDepth(arm),
    depth: sequentialDepth(log),
    firstRequestMs: first(log),
    firstArmMs: first(arm),
    maxRssBytes: run.maxRssBytes
  }
}

function check(run: ActionRun, what: string): void {
  if (run.exitCode !== 0 || !run.result.succeeded) {
    console.error(run.stdout)
    console.error(run.stderr)
    throw new Error(`bench: the ${what} run failed (exit code ${run.exitCode})`)
  }
}

async function sample(): Promise<Sample> {
  const world = await startWorld({ dataPlane: false, latency: PROFILE })
  try {
    world.sandbox.clearLog()
    const fresh = await world.run({}, { measureResources: true, actionDir })
    check(fresh, 'fresh')
    if (fresh.outputs.changed !== 'true') throw new Error('bench: the fresh run changed nothing')
    const freshMetrics = metricsOf(fresh, [...world.sandbox.requestLog], armWrites(world.sandbox).length)

    world.sandbox.clearLog()
    const noop = await world.run({}, { measureResources: true, actionDir })
    check(noop, 'no-op')
    const noopMetrics = metricsOf(noop, [...world.sandbox.requestLog], armWrites(world.sandbox).length)
    return { fresh: freshMetrics, noop: noopMetrics }
  } finally {
    await world.stop()
  }
}

async function bundleSizes(): Promise<{ indexBytes: number; distBytes: number }> {
  const dist = join(actionDir ?? repoRoot, 'dist')
  let distBytes = 0
  for (const name of await readdir(dist)) {
    if (name.endsWith('.map')) continue
    distBytes += (await stat(join(dist, name))).size
  }
  return { indexBytes: (await stat(join(dist, 'index.js'))).size, distBytes }
}

interface Stat {
  median: number
  min: number
  max: number
}

function stats(values: (number | undefined)[]): Stat | undefined {
  const v = values.filter((x): x is number => x !== undefined).sort((a, b) => a - b)
  if (!v.length) return undefined
  const mid = Math.floor(v.length / 2)
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
  return { median, min: v[0], max: v[v.length - 1] }
}

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3)
const asJson = process.argv.includes('--json')

const samples: Sample[] = []
for (let i = 0; i < runs; i++) {
  if (!asJson) process.stderr.write(`bench: run ${i + 1}/${runs}…\n`)
  samples.push(await sample())
}
const bundle = await bundleSizes()

const of = (pick: (s: Sample) => number | undefined) => stats(samples.map(pick))
const verbs = [
  ...new Set(samples.flatMap(s => [...Object.keys(s.fresh.byVerb), ...Object.keys(s.noop.byVerb)]))
].sort()
const freshWall = of(s => s.fresh.wallMs)!
const results = {
  node: process.version,
  runs,
  profile: PROFILE,
  floors: { floorMs: FLOOR_MS, tightFloorMs: TIGHT_FLOOR_MS, sequentialMs: SEQUENTIAL_MS },
  fresh: {
    wallMs: freshWall,
    overFloor: of(s => s.fresh.wallMs / FLOOR_MS),
    overTightFloor: of(s => s.fresh.wallMs / TIGHT_FLOOR_MS),
    overSequential: of(s => s.fresh.wallMs / SEQUENTIAL_MS),
    armRequests: of(s => s.fresh.armRequests),
    byVerb: Object.fromEntries(verbs.map(v => [v, of(s => s.fresh.byVerb[v] ?? 0)])),
    writes: of(s => s.fresh.writes),
    armDepth: of(s => s.fresh.armDepth),
    depth: of(s => s.fresh.depth),
    firstRequestMs: of(s => s.fresh.firstRequestMs),
    firstArmMs: of(s => s.fresh.firstArmMs),
    maxRssBytes: of(s => s.fresh.maxRssBytes)
  },
  noop: {
    wallMs: of(s => s.noop.wallMs),
    armRequests: of(s => s.noop.armRequests),
    byVerb: Object.fromEntries(verbs.map(v => [v, of(s => s.noop.byVerb[v] ?? 0)])),
    writes: of(s => s.noop.writes),
    armDepth: of(s => s.noop.armDepth),
    depth: of(s => s.noop.depth),
    firstRequestMs: of(s => s.noop.firstRequestMs),
    firstArmMs: of(s => s.noop.firstArmMs),
    maxRssBytes: of(s => s.noop.maxRssBytes)
  },
  bundle,
  targets: {} as Record<string, { target: string; value: number | undefined; pass: boolean }>
}
const target = (name: string, text: string, value: number | undefined, pass: (v: number) => boolean) => {
  results.targets[name] = { target: text, value, pass: value !== undefined && pass(value) }
}
target(
  'fresh ÷ floor',
  `≤ ${TARGETS.freshOverFloor}`,
  results.fresh.overFloor?.median,
  v => v <= TARGETS.freshOverFloor
)
target(
  'no-op ARM requests',
  `≤ ${TARGETS.noopArmRequests}`,
  results.noop.armRequests?.max,
  v => v <= TARGETS.noopArmRequests
)
target('no-op writes', `= ${TARGETS.noopWrites}`, results.noop.writes?.max, v => v === TARGETS.noopWrites)
target(
  'cold start (spawn → first ARM request)',
  `≤ ${TARGETS.coldStartMs} ms`,
  stats(samples.flatMap(s => [s.fresh.firstArmMs, s.noop.firstArmMs]))?.median,
  v => v <= TARGETS.coldStartMs
)

if (asJson) {
  console.log(JSON.stringify(results, null, 2))
} else {
  const ms = (x: Stat | undefined) =>
    x ? `${(x.median / 1000).toFixed(2)} s (${(x.min / 1000).toFixed(2)}–${(x.max / 1000).toFixed(2)})` : '–'
  const n = (x: Stat | undefined, digits = 0) =>
    x ? `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}–${x.max.toFixed(digits)})` : '–'
  const msInt = (x: Stat | undefined) =>
    x ? `${x.median.toFixed(0)} ms (${x.min.toFixed(0)}–${x.max.toFixed(0)})` : '–'
  const mb = (x: Stat | undefined) =>
    x
      ? `${(x.median / 2 ** 20).toFixed(0)} MiB (${(x.min / 2 ** 20).toFixed(0)}–${(x.max / 2 ** 20).toFixed(0)})`
      : '–'
  const verbText = (by: Record<string, Stat | undefined>) =>
    Object.entries(by)
      .filter(([, s]) => s && s.max > 0)
      .map(([v, s]) => `${v} ${n(s)}`)
      .join(', ')
  const rows: [string, string, string][] = [
    ['wall time', ms(results.fresh.wallMs), ms(results.noop.wallMs)],
    ['ARM requests', n(results.fresh.armRequests), n(results.noop.armRequests)],
    ['  by verb', verbText(results.fresh.byVerb), verbText(results.noop.byVerb)],
    ['ARM writes', n(results.fresh.writes), n(results.noop.writes)],
    ['sequential ARM depth', n(results.fresh.armDepth), n(results.noop.armDepth)],
    ['sequential depth, all requests', n(results.fresh.depth), n(results.noop.depth)],
    [
      'spawn → first request (GitHub OIDC)',
      msInt(results.fresh.firstRequestMs),
      msInt(results.noop.firstRequestMs)
    ],
    ['spawn → first ARM request', msInt(results.fresh.firstArmMs), msInt(results.noop.firstArmMs)],
    ['peak RSS', mb(results.fresh.maxRssBytes), mb(results.noop.maxRssBytes)]
  ]
  const w0 = Math.max(...rows.map(r => r[0].length))
  const w1 = Math.max('fresh run'.length, ...rows.map(r => r[1].length))
  const line = (a: string, b: string, c: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`
  const p = PROFILE
  console.log(
    `\nProfile: ARM ${p.armRequestMs} ms per request; identity update ${p.identityUpdateMs / 1000} s; assignment ${p.assignmentMs / 1000} s; ` +
      `app PATCH ${p.appUpdateMs / 1000} s; revision ready ${p.revisionReadyMs / 1000} s. ${runs} fresh worlds, ${process.version}. median (min–max)\n`
  )
  console.log(line('', 'fresh run', 'no-op rerun'))
  for (const r of rows) console.log(line(...r))
  console.log(
    `\nfloor = identity + max(assignment, PATCH + revision)      = ${FLOOR_MS / 1000} s   fresh ÷ floor      ${n(results.fresh.overFloor, 2)}`
  )
  console.log(
    `tight floor = identity + max(assignment, PATCH, revision) = ${TIGHT_FLOOR_MS / 1000} s   fresh ÷ tight floor ${n(results.fresh.overTightFloor, 2)}`
  )
  console.log(
    `sequential = identity + assignment + PATCH + revision     = ${SEQUENTIAL_MS / 1000} s   fresh ÷ sequential ${n(results.fresh.overSequential, 2)}`
  )
  console.log(
    `bundle: dist/index.js ${(bundle.indexBytes / 2 ** 20).toFixed(2)} MiB; dist/ without maps ${(bundle.distBytes / 2 ** 20).toFixed(2)} MiB\n`
  )
  for (const [name, t] of Object.entries(results.targets)) {
    const value =
      t.value === undefined ? '–' : Number.isInteger(t.value) ? String(t.value) : t.value.toFixed(2)
    console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${name}: ${value} (target ${t.target})`)
  }
}
if (Object.values(results.targets).some(t => !t.pass)) process.exitCode = 1
