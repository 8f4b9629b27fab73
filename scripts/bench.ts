// `npm run bench`: runs the bundled action (dist/index.js) through the launcher against the local sandbox with
// a latency profile shaped like Azure, and prints wall times, ARM traffic, the critical path, cold start, bundle
// size and peak memory, with median and spread over several fresh worlds.
//   BENCH_RUNS=n   number of fresh runs (default 3)
//   --json         print the results as JSON instead of the table
//   BENCH_ACTION_DIR=dir   benchmark another build of the action (a directory with action.yml and dist/)
//   --apps N (or BENCH_APPS=N), N > 1   instead: issue 7's scenario, N container apps connected to one cache in
//                  ONE run (one fresh world, BENCH_RUNS=n for more; ~3.5 minutes for 20 apps), against the floor
//                  identity + N × assignment + PATCH + revision (the cache takes one assignment at a time)
//   --startup      only the cold start: one world, BENCH_STARTUP_RUNS no-op runs (default 5), each followed by the
//                  start-up floor (scripts/startup-floor.mjs: Node reaching the same three services with node:https)
//   --revision-wait   only the revision-wait scenario (also part of the default benchmark): one fresh run whose
//                  revision takes 60 s, as real ones take 30–120 s; reports the ARM reads per second while the
//                  run waits for it (ARM refills reads at 25 per second per subscription and principal) and how
//                  late the run ends after the moment the revision is ready (BENCH_REVISION_RUNS=n, default 1)
import { execFile } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { node24Path, repoRoot } from '../launcher/node24.ts'
import { APP, APP_RG, CACHE, CACHE_RG, armWrites, startWorld, type ActionRun } from '../launcher/world.ts'
import type { LatencyProfile } from '../sandbox/faults.ts'
import type { RequestLogEntry } from '../sandbox/index.ts'

const PROFILE: LatencyProfile = {
  armRequestMs: 100,
  identityUpdateMs: 3_000,
  assignmentMs: 10_000,
  appUpdateMs: 5_000,
  revisionReadyMs: 10_000,
  cacheUpdateMs: 0,
  entraConfigureMs: 0
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
const asJson = process.argv.includes('--json')

const TARGETS = {
  freshOverFloor: 1.1,
  noopArmRequests: 6,
  noopWrites: 0,
  coldStartMs: 150,
  revisionWaitReadsPerSecond: 1,
  revisionWaitOverReady: 1.03
}

/** The revision-wait scenario: Azure's profile, with a revision as slow as real ones are. */
const REVISION_WAIT_PROFILE: LatencyProfile = { ...PROFILE, revisionReadyMs: 60_000 }

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
  /** spawn → first ARM request: of no-op runs without the RSS preload, and of scripts/startup-floor.mjs taken
   *  in turn with them in the same world */
  startup: { actionMs: number[]; floorMs: number[] }
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

/** The benchmark's app: minReplicas 1, so its revisions end Running, which builds from before ScaledToZero was
 *  understood (BENCH_ACTION_DIR) wait for too. */
const BENCH_APP = {
  containers: [
    { name: 'api', image: 'ghcr.io/octo-org/orders:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }
  ],
  scale: { minReplicas: 1, maxReplicas: 10 }
}

async function sample(): Promise<Sample> {
  const world = await startWorld({ dataPlane: false, latency: PROFILE, app: BENCH_APP, bundle: true })
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
    return { fresh: freshMetrics, noop: noopMetrics, startup: await measureStartup(world) }
  } finally {
    await world.stop()
  }
}

/** Cold start of no-op runs (without the preload that reads their memory), each followed by the floor's. */
async function measureStartup(world: Awaited<ReturnType<typeof startWorld>>): Promise<Sample['startup']> {
  const runs = Math.max(1, Number(process.env.BENCH_STARTUP_RUNS ?? 5) || 5)
  const startup: Sample['startup'] = { actionMs: [], floorMs: [] }
  for (let i = 0; i < runs; i++) {
    world.sandbox.clearLog()
    const run = await world.run({}, { actionDir })
    check(run, 'start-up')
    const first = metricsOf(run, [...world.sandbox.requestLog], 0).firstArmMs
    const floor = await startupFloorMs(world)
    if (first !== undefined && floor !== undefined) {
      startup.actionMs.push(first)
      startup.floorMs.push(floor)
    }
  }
  return startup
}

/** Spawn → first ARM request of the start-up floor (scripts/startup-floor.mjs): Node and three HTTPS requests. */
async function startupFloorMs(world: Awaited<ReturnType<typeof startWorld>>): Promise<number | undefined> {
  world.sandbox.clearLog()
  const { oidc } = world.sandbox
  const endpoints = world.sandbox.endpointInputs()
  const spawnedAt = Date.now()
  await promisify(execFile)(
    node24Path(),
    [
      join(repoRoot, 'scripts/startup-floor.mjs'),
      oidc.requestUrl,
      endpoints['authority-host'],
      endpoints['resource-manager-endpoint']
    ],
    {
      env: {
        NODE_EXTRA_CA_CERTS: world.sandbox.actionEnv().NODE_EXTRA_CA_CERTS,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken
      }
    }
  )
  const arm = world.sandbox.requestLog.filter(e => e.service === 'arm')
  return arm.length ? Math.min(...arm.map(e => e.startedAt)) - spawnedAt : undefined
}

async function bundleSizes(): Promise<{ indexBytes: number; distBytes: number }> {
  const dist = join(actionDir ?? repoRoot, 'dist')
  let distBytes = 0
  for (const entry of await readdir(dist, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) distBytes += (await stat(join(entry.parentPath, entry.name))).size
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

/** The default benchmark: one app, fresh run then no-op rerun, in several fresh worlds. */
async function benchOneApp(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3)

  const samples: Sample[] = []
  for (let i = 0; i < runs; i++) {
    if (!asJson) process.stderr.write(`bench: run ${i + 1}/${runs}…\n`)
    samples.push(await sample())
  }
  const bundle = await bundleSizes()
  const revisionWait = await measureRevisionWait()

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
    startup: {
      actionMs: stats(samples.flatMap(s => s.startup.actionMs)),
      floorMs: stats(samples.flatMap(s => s.startup.floorMs)),
      overFloorMs: stats(samples.flatMap(s => s.startup.actionMs.map((a, i) => a - s.startup.floorMs[i])))
    },
    bundle,
    revisionWait,
    targets: {} as Targets
  }
  const target = targetRecorder(results.targets)
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
    'cold start, ms (spawn → first ARM request)',
    `≤ ${TARGETS.coldStartMs} ms`,
    stats(samples.flatMap(s => s.startup.actionMs))?.median,
    v => v <= TARGETS.coldStartMs
  )
  recordRevisionWaitTargets(results.targets, revisionWait)

  if (asJson) {
    console.log(JSON.stringify(results, null, 2))
  } else {
    const ms = (x: Stat | undefined) =>
      x
        ? `${(x.median / 1000).toFixed(2)} s (${(x.min / 1000).toFixed(2)}–${(x.max / 1000).toFixed(2)})`
        : '–'
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
    const st = results.startup
    console.log(
      `\ncold start, spawn → first ARM request (${st.actionMs ? samples.flatMap(s => s.startup.actionMs).length : 0} no-op runs without the RSS preload): ${msInt(st.actionMs)}\n` +
        `start-up floor, the same for node:https alone (scripts/startup-floor.mjs, taken in turn): ${msInt(st.floorMs)}\n` +
        `what the action adds to the floor, run by run: ${msInt(st.overFloorMs)}`
    )
    console.log(
      `bundle: dist/index.js ${(bundle.indexBytes / 1e6).toFixed(2)} MB; dist/ ${(bundle.distBytes / 1e6).toFixed(2)} MB in all\n`
    )
    printRevisionWait(revisionWait)
    printTargets(results.targets, 2)
  }
  if (Object.values(results.targets).some(t => !t.pass)) process.exitCode = 1
}

interface RevisionWaitMetrics {
  wallMs: number
  /** spawn → the moment the sandbox turns the revision ready: the floor of this run */
  readyMs: number
  /** the run's end after that moment */
  lateMs: number
  /** the revision's creation (the PATCH accepted) → the run's end */
  waitMs: number
  /** ARM reads (GETs of any kind: revision, app, operation polls) started in that window */
  reads: number
  readsByOperation: Record<string, number>
}

/** One fresh run whose revision takes REVISION_WAIT_PROFILE.revisionReadyMs. */
async function sampleRevisionWait(): Promise<RevisionWaitMetrics> {
  const world = await startWorld({
    dataPlane: false,
    latency: REVISION_WAIT_PROFILE,
    app: BENCH_APP,
    bundle: true
  })
  try {
    world.sandbox.clearLog()
    const run = await world.run({}, { actionDir })
    check(run, 'revision-wait')
    const latest = world.sandbox.listRevisions(APP_RG, APP).at(-1)
    const createdAt = Date.parse(String(latest?.properties?.createdTime ?? ''))
    if (!Number.isFinite(createdAt)) throw new Error('bench: the run made no revision')
    const readyAt = createdAt + REVISION_WAIT_PROFILE.revisionReadyMs
    const endedAt = run.spawnedAt + run.durationMs
    const reads = world.sandbox.requestLog.filter(
      e => e.service === 'arm' && e.method === 'GET' && e.startedAt >= createdAt && e.startedAt <= endedAt
    )
    const readsByOperation: Record<string, number> = {}
    for (const e of reads)
      readsByOperation[e.operation ?? '?'] = (readsByOperation[e.operation ?? '?'] ?? 0) + 1
    return {
      wallMs: run.durationMs,
      readyMs: readyAt - run.spawnedAt,
      lateMs: endedAt - readyAt,
      waitMs: endedAt - createdAt,
      reads: reads.length,
      readsByOperation
    }
  } finally {
    await world.stop()
  }
}

interface RevisionWaitResults {
  runs: number
  revisionReadyMs: number
  wallMs?: Stat
  readyMs?: Stat
  lateMs?: Stat
  overReady?: Stat
  reads?: Stat
  readsPerSecond?: Stat
  readsByOperation: Record<string, Stat | undefined>
}

/** The revision wait: ARM reads per second while waiting, and the run's end against the revision's ready moment. */
async function measureRevisionWait(): Promise<RevisionWaitResults> {
  const runs = Math.max(1, Number(process.env.BENCH_REVISION_RUNS ?? 1) || 1)
  const samples: RevisionWaitMetrics[] = []
  for (let i = 0; i < runs; i++) {
    if (!asJson)
      process.stderr.write(
        `bench: revision wait (${REVISION_WAIT_PROFILE.revisionReadyMs / 1000} s revision), run ${i + 1}/${runs}…\n`
      )
    samples.push(await sampleRevisionWait())
  }
  const of = (pick: (m: RevisionWaitMetrics) => number) => stats(samples.map(pick))
  const operations = [...new Set(samples.flatMap(m => Object.keys(m.readsByOperation)))].sort()
  return {
    runs,
    revisionReadyMs: REVISION_WAIT_PROFILE.revisionReadyMs,
    wallMs: of(m => m.wallMs),
    readyMs: of(m => m.readyMs),
    lateMs: of(m => m.lateMs),
    overReady: of(m => m.wallMs / m.readyMs),
    reads: of(m => m.reads),
    readsPerSecond: of(m => m.reads / (m.waitMs / 1000)),
    readsByOperation: Object.fromEntries(operations.map(k => [k, of(m => m.readsByOperation[k] ?? 0)]))
  }
}

function recordRevisionWaitTargets(targets: Targets, r: RevisionWaitResults): void {
  const target = targetRecorder(targets)
  target(
    'revision wait: ARM reads per second',
    `≤ ${TARGETS.revisionWaitReadsPerSecond}`,
    r.readsPerSecond?.max,
    v => v <= TARGETS.revisionWaitReadsPerSecond
  )
  target(
    'revision wait: wall ÷ revision ready',
    `≤ ${TARGETS.revisionWaitOverReady}`,
    r.overReady?.max,
    v => v <= TARGETS.revisionWaitOverReady
  )
}

function printRevisionWait(r: RevisionWaitResults): void {
  const s = (x: Stat | undefined, digits = 2) =>
    x
      ? r.runs === 1
        ? (x.median / 1000).toFixed(digits)
        : `${(x.median / 1000).toFixed(digits)} (${(x.min / 1000).toFixed(digits)}–${(x.max / 1000).toFixed(digits)})`
      : '–'
  const n = (x: Stat | undefined, digits = 0) =>
    x
      ? r.runs === 1
        ? x.median.toFixed(digits)
        : `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}–${x.max.toFixed(digits)})`
      : '–'
  const p = REVISION_WAIT_PROFILE
  console.log(
    `\nRevision wait: one fresh run, revision ready ${p.revisionReadyMs / 1000} s after the PATCH (the rest of the profile as above), ${r.runs} run${r.runs === 1 ? '' : 's'}.`
  )
  console.log(`  spawn → revision ready (the floor)        ${s(r.readyMs)} s`)
  console.log(`  wall time                                 ${s(r.wallMs)} s`)
  console.log(
    `  ended after the revision was ready        ${s(r.lateMs)} s   wall ÷ floor ${n(r.overReady, 3)}`
  )
  console.log(
    `  ARM reads from the PATCH to the end       ${n(r.reads)} = ${n(r.readsPerSecond, 2)} per second (${Object.entries(
      r.readsByOperation
    )
      .filter(([, x]) => x && x.max > 0)
      .map(([k, x]) => `${k} ${n(x)}`)
      .join(', ')})\n`
  )
}

async function benchRevisionWait(): Promise<void> {
  const revisionWait = await measureRevisionWait()
  const targets: Targets = {}
  recordRevisionWaitTargets(targets, revisionWait)
  if (asJson) console.log(JSON.stringify({ node: process.version, revisionWait, targets }, null, 2))
  else {
    printRevisionWait(revisionWait)
    printTargets(targets, 3)
  }
  if (Object.values(targets).some(t => !t.pass)) process.exitCode = 1
}

/** `--apps N`, `--apps=N` or BENCH_APPS=N; 1 (the default benchmark) when none is given. */
function appsOption(): number {
  const argv = process.argv.slice(2)
  const i = argv.findIndex(a => a === '--apps' || a.startsWith('--apps='))
  const text = i < 0 ? process.env.BENCH_APPS : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1]
  if (text === undefined || text === '') return 1
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`bench: --apps / BENCH_APPS must be a positive integer, not '${text}'`)
  return n
}

/** Issue 7: every assignment to the cache waits for the one before (Azure takes one cache update at a time). */
const appsFloorMs = (apps: number) =>
  PROFILE.identityUpdateMs + apps * PROFILE.assignmentMs + PROFILE.appUpdateMs + PROFILE.revisionReadyMs

interface ManyAppsMetrics extends RunMetrics {
  /** 409s in the sandbox's request log (any service): collisions the action caused, retried or not */
  conflicts: number
  conflictsByOperation: Record<string, number>
  /** ARM requests by the sandbox's operation name (where the GETs go) */
  byOperation: Record<string, number>
  /** 409s that reached the user: apps whose report failed, or a 409/busy text in an error annotation */
  userVisibleConflicts: number
  /** retries the action logged ("Could not … (attempt n)") */
  retriesLogged: number
  /** where the wall time went: spawn → first assignment PUT, cache idle between assignments, after the last */
  assignments: {
    count: number
    headMs: number
    idleMs: number
    maxIdleMs: number
    tailMs: number
  }
}

interface ManyAppsSample {
  fresh: ManyAppsMetrics
  noop: RunMetrics
}

function appReports(run: ActionRun): Record<string, { succeeded?: boolean }> {
  return (run.result as unknown as { apps?: Record<string, { succeeded?: boolean }> }).apps ?? {}
}

function checkApps(run: ActionRun, names: string[], what: string): void {
  const reports = appReports(run)
  const failed = names.filter(n => !reports[n]?.succeeded)
  if (run.exitCode !== 0 || failed.length) {
    console.error(run.stdout)
    console.error(run.stderr)
    throw new Error(
      `bench: the ${what} run failed (exit code ${run.exitCode}; apps not connected: ${failed.join(', ') || 'none'})`
    )
  }
}

function assignmentTimeline(run: ActionRun, log: RequestLogEntry[]): ManyAppsMetrics['assignments'] {
  const puts = log
    .filter(
      e =>
        e.service === 'arm' &&
        e.method === 'PUT' &&
        e.operation === 'accessPolicyAssignments.createUpdate' &&
        e.status >= 200 &&
        e.status < 300
    )
    .sort((a, b) => a.startedAt - b.startedAt)
  if (!puts.length) return { count: 0, headMs: 0, idleMs: 0, maxIdleMs: 0, tailMs: 0 }
  // The sandbox starts an assignment's clock when it answers the PUT; it is done assignmentMs later.
  const doneAt = puts.map(p => p.endedAt + PROFILE.assignmentMs)
  const idle = puts.slice(1).map((p, i) => Math.max(0, p.startedAt - doneAt[i]))
  return {
    count: puts.length,
    headMs: puts[0].startedAt - run.spawnedAt,
    idleMs: idle.reduce((a, b) => a + b, 0),
    maxIdleMs: idle.length ? Math.max(...idle) : 0,
    tailMs: run.spawnedAt + run.durationMs - doneAt[doneAt.length - 1]
  }
}

async function sampleManyApps(apps: number): Promise<ManyAppsSample> {
  const world = await startWorld({ app: false, dataPlane: false, latency: PROFILE, bundle: true })
  try {
    const names = Array.from({ length: apps }, (_, i) => `orders-api-${String(i + 1).padStart(2, '0')}`)
    for (const name of names) world.sandbox.addContainerApp(APP_RG, name, BENCH_APP)
    const inputs = { 'container-app': names.join('\n') }

    world.sandbox.clearLog()
    const fresh = await world.run(inputs, { measureResources: true, actionDir })
    checkApps(fresh, names, 'fresh')
    if (fresh.outputs.changed !== 'true') throw new Error('bench: the fresh run changed nothing')
    const assigned = world.sandbox.listAssignments(CACHE_RG, CACHE).length
    if (assigned < apps) throw new Error(`bench: ${assigned} assignments on the cache for ${apps} apps`)
    const log = [...world.sandbox.requestLog]
    const conflicts = log.filter(e => e.status === 409)
    const conflictsByOperation: Record<string, number> = {}
    for (const e of conflicts) {
      const key = `${e.method} ${e.operation ?? e.path}`
      conflictsByOperation[key] = (conflictsByOperation[key] ?? 0) + 1
    }
    const byOperation: Record<string, number> = {}
    for (const e of log.filter(x => x.service === 'arm')) {
      const key = `${e.method} ${e.operation ?? '?'}`
      byOperation[key] = (byOperation[key] ?? 0) + 1
    }
    const visible = [...fresh.errors, ...fresh.warnings].filter(c =>
      /409|busy processing|Conflict|OperationInProgress/i.test(JSON.stringify(c))
    )
    const freshMetrics: ManyAppsMetrics = {
      ...metricsOf(fresh, log, armWrites(world.sandbox).length),
      conflicts: conflicts.length,
      conflictsByOperation,
      byOperation,
      userVisibleConflicts: visible.length,
      retriesLogged: (fresh.stdout.match(/^Could not .* \(attempt \d+\)/gm) ?? []).length,
      assignments: assignmentTimeline(fresh, log)
    }

    world.sandbox.clearLog()
    const noop = await world.run(inputs, { measureResources: true, actionDir })
    checkApps(noop, names, 'no-op')
    const noopMetrics = metricsOf(noop, [...world.sandbox.requestLog], armWrites(world.sandbox).length)
    return { fresh: freshMetrics, noop: noopMetrics }
  } finally {
    await world.stop()
  }
}

/** `--apps N`: N apps, one cache, one run. */
async function benchManyApps(apps: number): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1) || 1)
  const floorMs = appsFloorMs(apps)
  const samples: ManyAppsSample[] = []
  for (let i = 0; i < runs; i++) {
    if (!asJson)
      process.stderr.write(
        `bench: ${apps} apps, one cache, run ${i + 1}/${runs} (about ${Math.ceil((floorMs * 1.05) / 60_000)} min)…\n`
      )
    samples.push(await sampleManyApps(apps))
  }
  const of = (pick: (s: ManyAppsSample) => number | undefined) => stats(samples.map(pick))
  const verbs = [
    ...new Set(samples.flatMap(s => [...Object.keys(s.fresh.byVerb), ...Object.keys(s.noop.byVerb)]))
  ].sort()
  const operations = [...new Set(samples.flatMap(s => Object.keys(s.fresh.byOperation)))].sort()
  const conflictKeys = [...new Set(samples.flatMap(s => Object.keys(s.fresh.conflictsByOperation)))].sort()
  const results = {
    node: process.version,
    apps,
    runs,
    profile: PROFILE,
    floorMs,
    fresh: {
      wallMs: of(s => s.fresh.wallMs),
      overFloor: of(s => s.fresh.wallMs / floorMs),
      armRequests: of(s => s.fresh.armRequests),
      byVerb: Object.fromEntries(verbs.map(v => [v, of(s => s.fresh.byVerb[v] ?? 0)])),
      byOperation: Object.fromEntries(operations.map(k => [k, of(s => s.fresh.byOperation[k] ?? 0)])),
      writes: of(s => s.fresh.writes),
      conflicts: of(s => s.fresh.conflicts),
      conflictsByOperation: Object.fromEntries(
        conflictKeys.map(k => [k, of(s => s.fresh.conflictsByOperation[k] ?? 0)])
      ),
      userVisibleConflicts: of(s => s.fresh.userVisibleConflicts),
      retriesLogged: of(s => s.fresh.retriesLogged),
      assignments: {
        count: of(s => s.fresh.assignments.count),
        headMs: of(s => s.fresh.assignments.headMs),
        idleMs: of(s => s.fresh.assignments.idleMs),
        maxIdleMs: of(s => s.fresh.assignments.maxIdleMs),
        tailMs: of(s => s.fresh.assignments.tailMs)
      },
      armDepth: of(s => s.fresh.armDepth),
      firstArmMs: of(s => s.fresh.firstArmMs),
      maxRssBytes: of(s => s.fresh.maxRssBytes)
    },
    noop: {
      wallMs: of(s => s.noop.wallMs),
      armRequests: of(s => s.noop.armRequests),
      byVerb: Object.fromEntries(verbs.map(v => [v, of(s => s.noop.byVerb[v] ?? 0)])),
      writes: of(s => s.noop.writes),
      maxRssBytes: of(s => s.noop.maxRssBytes)
    },
    targets: {} as Targets
  }
  const target = targetRecorder(results.targets)
  target(
    `${apps} apps: fresh ÷ floor`,
    `≤ ${TARGETS.freshOverFloor}`,
    results.fresh.overFloor?.median,
    v => v <= TARGETS.freshOverFloor
  )
  target('409s in the sandbox request log', '= 0', results.fresh.conflicts?.max, v => v === 0)
  target('409s that reach the user', '= 0', results.fresh.userVisibleConflicts?.max, v => v === 0)
  target(
    `${apps} apps: no-op writes`,
    `= ${TARGETS.noopWrites}`,
    results.noop.writes?.max,
    v => v === TARGETS.noopWrites
  )

  if (asJson) {
    console.log(JSON.stringify(results, null, 2))
  } else {
    const one = runs === 1
    const ms = (x: Stat | undefined) =>
      !x
        ? '–'
        : one
          ? `${(x.median / 1000).toFixed(2)} s`
          : `${(x.median / 1000).toFixed(2)} s (${(x.min / 1000).toFixed(2)}–${(x.max / 1000).toFixed(2)})`
    const n = (x: Stat | undefined, digits = 0) =>
      !x
        ? '–'
        : one
          ? x.median.toFixed(digits)
          : `${x.median.toFixed(digits)} (${x.min.toFixed(digits)}–${x.max.toFixed(digits)})`
    const mb = (x: Stat | undefined) => (x ? `${(x.median / 2 ** 20).toFixed(0)} MiB` : '–')
    const verbText = (by: Record<string, Stat | undefined>) =>
      Object.entries(by)
        .filter(([, s]) => s && s.max > 0)
        .map(([v, s]) => `${v} ${n(s)}`)
        .join(', ')
    const f = results.fresh
    const a = f.assignments
    const rows: [string, string, string][] = [
      ['wall time', ms(f.wallMs), ms(results.noop.wallMs)],
      ['ARM requests', n(f.armRequests), n(results.noop.armRequests)],
      ['  by verb', verbText(f.byVerb), verbText(results.noop.byVerb)],
      ['ARM writes', n(f.writes), n(results.noop.writes)],
      [
        '409s in the request log',
        `${n(f.conflicts)}${
          conflictKeys.length
            ? ` (${Object.entries(f.conflictsByOperation)
                .map(([k, s]) => `${k} ${n(s)}`)
                .join(', ')})`
            : ''
        }`,
        ''
      ],
      ['409s that reach the user', n(f.userVisibleConflicts), ''],
      ['retries logged by the action', n(f.retriesLogged), ''],
      ['assignments written', n(a.count), ''],
      ['  spawn → first assignment PUT', ms(a.headMs), ''],
      ['  cache idle between assignments', `${ms(a.idleMs)} (longest gap ${ms(a.maxIdleMs)})`, ''],
      ['  last assignment done → exit', ms(a.tailMs), ''],
      ['sequential ARM depth', n(f.armDepth), ''],
      ['peak RSS', mb(f.maxRssBytes), mb(results.noop.maxRssBytes)]
    ]
    const w0 = Math.max(...rows.map(r => r[0].length))
    const w1 = Math.max('fresh run'.length, ...rows.map(r => r[1].length))
    const line = (x: string, y: string, z: string) => `${x.padEnd(w0)}  ${y.padEnd(w1)}  ${z}`.trimEnd()
    const p = PROFILE
    console.log(
      `\n${apps} container apps, one cache, one run. Profile: ARM ${p.armRequestMs} ms per request; identity update ${p.identityUpdateMs / 1000} s; ` +
        `assignment ${p.assignmentMs / 1000} s; app PATCH ${p.appUpdateMs / 1000} s; revision ready ${p.revisionReadyMs / 1000} s. ` +
        `${runs} fresh world${one ? '' : 's'}, ${process.version}.${one ? '' : ' median (min–max)'}\n`
    )
    console.log(line('', 'fresh run', 'no-op rerun'))
    for (const r of rows) console.log(line(...r))
    console.log(
      `\nfloor = identity + ${apps} × assignment + PATCH + revision = ${floorMs / 1000} s   fresh ÷ floor ${n(f.overFloor, 3)}` +
        `   (target ≤ ${TARGETS.freshOverFloor}: ${((TARGETS.freshOverFloor * floorMs) / 1000).toFixed(1)} s)\n`
    )
    printTargets(results.targets, 3)
  }
  if (Object.values(results.targets).some(t => !t.pass)) process.exitCode = 1
}

type Targets = Record<string, { target: string; value: number | undefined; pass: boolean }>

/** Records a target's measured value and whether it passes. */
function targetRecorder(targets: Targets) {
  return (name: string, text: string, value: number | undefined, pass: (v: number) => boolean): void => {
    targets[name] = { target: text, value, pass: value !== undefined && pass(value) }
  }
}

function printTargets(targets: Targets, decimals: number): void {
  for (const [name, t] of Object.entries(targets)) {
    const value =
      t.value === undefined ? '–' : Number.isInteger(t.value) ? String(t.value) : t.value.toFixed(decimals)
    console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${name}: ${value} (target ${t.target})`)
  }
}

/** `--startup`: only the cold start, in one world: a fresh run, then BENCH_STARTUP_RUNS no-op runs and floors. */
async function benchStartup(): Promise<void> {
  const world = await startWorld({ dataPlane: false, latency: PROFILE, app: BENCH_APP, bundle: true })
  try {
    check(await world.run({}, { actionDir }), 'fresh')
    const startup = await measureStartup(world)
    const ms = (x: Stat | undefined) =>
      x ? `${x.median.toFixed(0)} ms (${x.min.toFixed(0)}–${x.max.toFixed(0)})` : '–'
    const over = startup.actionMs.map((a, i) => a - startup.floorMs[i])
    console.log(`cold start, spawn → first ARM request: ${ms(stats(startup.actionMs))}`)
    console.log(`start-up floor (node:https alone):      ${ms(stats(startup.floorMs))}`)
    console.log(`what the action adds, run by run:       ${ms(stats(over))}`)
    const targets: Targets = {}
    targetRecorder(targets)(
      'cold start, ms (spawn → first ARM request)',
      `≤ ${TARGETS.coldStartMs} ms`,
      stats(startup.actionMs)?.median,
      v => v <= TARGETS.coldStartMs
    )
    printTargets(targets, 0)
  } finally {
    await world.stop()
  }
}

const apps = appsOption()
if (process.argv.includes('--startup')) await benchStartup()
else if (process.argv.includes('--revision-wait')) await benchRevisionWait()
else if (apps > 1) await benchManyApps(apps)
else await benchOneApp()
