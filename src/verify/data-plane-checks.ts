import type { CheckRecord, RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { checkHealthUrl } from './health-url.js'
import { probeRedis } from './probe-redis.js'

/** The optional checks beyond the control plane, run together. */
export async function runDataPlaneChecks(ctx: RunContext, report: RunReport): Promise<CheckRecord[]> {
  const checks: Promise<CheckRecord>[] = []
  if (ctx.inputs.healthUrl) checks.push(checkHealthUrl(ctx, ctx.inputs.healthUrl))
  if (ctx.inputs.probeRedis)
    checks.push(probeRedis(ctx, report.outputs['redis-host'], Number(report.outputs['redis-port'])))
  return Promise.all(checks)
}
