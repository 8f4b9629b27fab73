import { WORKLOADS } from '../domain/target.js'
import type { CheckRecord } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { checkHealthUrl } from './health-url.js'
import { probeRedis } from './probe-redis.js'

/** With apps and jobs in one run, health-url is an app's: a job serves no HTTP. (Only jobs: an input error.) */
const HEALTH_URL_SKIPPED_FOR_JOB: CheckRecord = {
  id: 'health-url',
  title: 'Health URL answers 2xx',
  status: 'skipped',
  evidence: 'health-url does not apply to a job: it serves no HTTP; the checks of its template stand for it'
}

/** Where the cache answers, as the read found it: what the runner's probe connects to. */
export interface RedisEndpoint {
  host: string
  port: number
  /** An OSS-clustered Managed Redis database: the probe must speak cluster. */
  ossCluster: boolean
}

/** The optional checks beyond the control plane, run together. */
export async function runDataPlaneChecks(ctx: RunContext, endpoint: RedisEndpoint): Promise<CheckRecord[]> {
  const checks: Promise<CheckRecord>[] = []
  if (ctx.config.healthUrl)
    checks.push(
      WORKLOADS[ctx.target.kind].servesHttp
        ? checkHealthUrl(ctx, ctx.config.healthUrl)
        : Promise.resolve(HEALTH_URL_SKIPPED_FOR_JOB)
    )
  if (ctx.config.probeRedis)
    checks.push(probeRedis(ctx, endpoint.host, endpoint.port, { ossCluster: endpoint.ossCluster }))
  return Promise.all(checks)
}
