import * as core from '@actions/core'
import type { RedisResource } from '@azure/arm-rediscache'
import { readAzureError } from '../azure/azure-error.js'
import { TimeoutTooShortError } from '../deadline.js'
import { explainFailure } from '../explain-failure.js'
import { recordStep } from '../report/record-step.js'
import type { RunReport } from '../report/run-report.js'
import type { RunWideContext } from '../run-context.js'
import { findAccessKeyUse, type Connected } from './access-key-use.js'
import { aadEnabled, entraFix } from '../domain/cache.js'
import { disableAccessKeys, ENTRA_ENABLE_MS, enableEntraAuth, isConfiguringEntra } from './cache-hardening.js'
import { minutesAndSeconds } from './long-wait.js'

/** The classic cache, or undefined for Azure Managed Redis (which always uses Entra ID and has no such toggle). */
async function classicCache(ctx: RunWideContext): Promise<RedisResource | undefined> {
  const { config, clients, deadline } = ctx
  if (config.redisKind === 'managed-redis') return undefined
  try {
    return await clients.redis.redis.get(config.redisResourceGroup, config.redisName, {
      abortSignal: deadline.signal
    })
  } catch (error) {
    if (config.redisKind === undefined && readAzureError(error).status === 404) return undefined
    throw error
  }
}

const MANAGED = 'Azure Managed Redis'

/**
 * Turning Entra on takes up to 30 minutes. Without timeout-minutes the run's budget grows by that much; an explicit
 * timeout-minutes that leaves less fails now, before anything is changed, rather than at its deadline.
 */
function makeRoomForEntra(ctx: RunWideContext): void {
  const { config, deadline } = ctx
  const minutes = ENTRA_ENABLE_MS / 60_000
  if (!config.timeoutExplicit) {
    deadline.extend(ENTRA_ENABLE_MS)
    core.info(
      `timeout-minutes is not set: the run's deadline grows from ${config.timeoutMinutes} to ${config.timeoutMinutes + minutes} minutes, as turning on Microsoft Entra authentication can take up to ${minutes} minutes.`
    )
    return
  }
  if (deadline.remainingMs() >= ENTRA_ENABLE_MS) return
  throw new TimeoutTooShortError(
    `timeout-minutes is ${config.timeoutMinutes}, and ${minutesAndSeconds(deadline.remainingMs())} of it remain; turning on Microsoft Entra authentication on cache ${config.redisName} reboots its nodes and can take up to ${minutes} minutes. Nothing was changed.`,
    `Set timeout-minutes to ${config.timeoutMinutes + minutes} or more, or remove it (without it the budget grows by ${minutes} minutes when Entra has to be turned on). Or: ${entraFix(config.redisName, config.redisResourceGroup)}`
  )
}

/** enable-entra-auth: true — before any app is connected, since assignments need Entra on the cache. */
export async function ensureEntraAuth(ctx: RunWideContext, report: RunReport): Promise<void> {
  const { config } = ctx
  const cache = await classicCache(ctx)
  if (!cache) {
    report.step({
      id: 'cache',
      status: 'unchanged',
      detail: `${MANAGED} always uses Microsoft Entra ID`
    })
    return
  }
  // On, but still rebooting into it: an earlier run (or someone else) turned it on; only the wait is left.
  const configuring = aadEnabled(cache) && isConfiguringEntra(cache)
  await recordStep(
    report,
    {
      id: 'cache',
      before: aadEnabled(cache) ? 'on' : 'off',
      after: 'on'
    },
    async () => {
      if (aadEnabled(cache) && !configuring) return { status: 'unchanged', value: undefined }
      makeRoomForEntra(ctx)
      if (configuring) {
        await ctx.cacheQueue.run(() => enableEntraAuth(ctx, { alreadySent: true }))
        return {
          status: 'unchanged',
          detail: 'waited for the cache to finish turning it on (ConfiguringAAD)',
          value: undefined
        }
      }
      report.warnings.push(
        `Microsoft Entra authentication was turned on for cache ${config.redisName}: its nodes rebooted (this can take up to 30 minutes and drops open connections).`
      )
      await ctx.cacheQueue.run(() => enableEntraAuth(ctx, { alreadySent: false }))
      return { status: 'updated', detail: 'the cache rebooted its nodes (ConfiguringAAD)', value: undefined }
    },
    error =>
      explainFailure(error, 'turn on Microsoft Entra authentication on the cache', {
        cloud: ctx.cloud,
        deadline: ctx.deadline
      })
  )
}

/**
 * disable-access-keys: true — only once every check of every app passed, and while nothing the action can see
 * may still use a key (see findAccessKeyUse): otherwise the keys stay on and the step says why.
 */
export async function turnOffAccessKeys(
  ctx: RunWideContext,
  report: RunReport,
  connected: Connected[]
): Promise<void> {
  const { config } = ctx
  const cache = await classicCache(ctx)
  if (!cache) {
    report.warnings.push(
      `disable-access-keys is not applied to ${MANAGED} ${config.redisName}: set accessKeysAuthentication to Disabled on its database (new Managed Redis caches have it off).`
    )
    return
  }
  await recordStep(
    report,
    {
      id: 'access-keys',
      before: cache.disableAccessKeyAuthentication ? 'off' : 'on',
      after: 'off'
    },
    async () => {
      if (cache.disableAccessKeyAuthentication) return { status: 'unchanged', value: undefined }
      const inUse = await findAccessKeyUse(ctx, connected, cache.hostName ?? '')
      if (inUse.length) {
        report.warnings.push(
          `Access keys were left on for cache ${config.redisName}: something may still use them (${inUse.length} finding${inUse.length === 1 ? '' : 's'}; see the Access keys step). Rerun with disable-access-keys once it no longer does.`
        )
        return { status: 'skipped', after: 'on', detail: `kept on: ${inUse.join('; ')}`, value: undefined }
      }
      report.warnings.push(
        `Access keys were turned off for cache ${config.redisName}: clients that still use a key or connection string can no longer connect.`
      )
      await ctx.cacheQueue.run(() => disableAccessKeys(ctx))
      return { status: 'updated', value: undefined }
    },
    error =>
      explainFailure(error, 'turn off access keys on the cache', { cloud: ctx.cloud, deadline: ctx.deadline })
  )
}
