import type { RedisResource } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { explainFailure } from '../explain-failure.js'
import { recordStep } from '../report/record-step.js'
import type { RunReport } from '../report/run-report.js'
import type { RunContext } from '../run-context.js'
import { aadEnabled } from '../verify/control-plane.js'
import { disableAccessKeys, enableEntraAuth } from './cache-hardening.js'

/** The classic cache, or undefined for Azure Managed Redis (which always uses Entra ID and has no such toggle). */
async function classicCache(ctx: RunContext): Promise<RedisResource | undefined> {
  const { inputs, clients, deadline } = ctx
  if (inputs.redisKind === 'managed-redis') return undefined
  try {
    return await clients.redis.redis.get(inputs.redisResourceGroup, inputs.redisName, {
      abortSignal: deadline.signal
    })
  } catch (error) {
    if (inputs.redisKind === undefined && readAzureError(error).status === 404) return undefined
    throw error
  }
}

const MANAGED = 'Azure Managed Redis'

/** enable-entra-auth: true — before any app is connected, since assignments need Entra on the cache. */
export async function ensureEntraAuth(ctx: RunContext, report: RunReport): Promise<void> {
  const { inputs } = ctx
  const cache = await classicCache(ctx)
  if (!cache) {
    report.step({
      id: 'cache',
      title: 'Microsoft Entra authentication on the cache',
      status: 'unchanged',
      detail: `${MANAGED} always uses Microsoft Entra ID`
    })
    return
  }
  await recordStep(
    report,
    {
      id: 'cache',
      title: 'Microsoft Entra authentication on the cache',
      before: aadEnabled(cache) ? 'on' : 'off',
      after: 'on'
    },
    async () => {
      if (aadEnabled(cache)) return { status: 'unchanged', value: undefined }
      report.warnings.push(
        `Microsoft Entra authentication was turned on for cache ${inputs.redisName}: its nodes rebooted (this can take up to 30 minutes and drops open connections).`
      )
      await ctx.cacheQueue.run(() => enableEntraAuth(ctx))
      return { status: 'updated', detail: 'the cache rebooted its nodes (ConfiguringAAD)', value: undefined }
    },
    error =>
      explainFailure(error, 'turn on Microsoft Entra authentication on the cache', { cloud: ctx.cloud })
  )
}

/** disable-access-keys: true — only once every check of every app passed, so nothing still needs the keys. */
export async function turnOffAccessKeys(ctx: RunContext, report: RunReport): Promise<void> {
  const { inputs } = ctx
  const cache = await classicCache(ctx)
  if (!cache) {
    report.warnings.push(
      `disable-access-keys is not applied to ${MANAGED} ${inputs.redisName}: set accessKeysAuthentication to Disabled on its database (new Managed Redis caches have it off).`
    )
    return
  }
  await recordStep(
    report,
    {
      id: 'access-keys',
      title: 'Access keys on the cache',
      before: cache.disableAccessKeyAuthentication ? 'off' : 'on',
      after: 'off'
    },
    async () => {
      if (cache.disableAccessKeyAuthentication) return { status: 'unchanged', value: undefined }
      report.warnings.push(
        `Access keys were turned off for cache ${inputs.redisName}: clients that still use a key or connection string can no longer connect.`
      )
      await ctx.cacheQueue.run(() => disableAccessKeys(ctx))
      return { status: 'updated', value: undefined }
    },
    error => explainFailure(error, 'turn off access keys on the cache', { cloud: ctx.cloud })
  )
}
