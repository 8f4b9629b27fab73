import * as core from '@actions/core'
import { TimeoutTooShortError } from '../deadline.js'
import { explainFailure } from '../explain-failure.js'
import { recordStep } from '../report/record-step.js'
import type { RunReport } from '../report/run-report.js'
import type { RunWideContext } from '../run-context.js'
import { findAccessKeyUse, type Connected } from './access-key-use.js'
import {
  aadEnabled,
  CACHE_KINDS,
  entraFix,
  type CacheState,
  type ClassicCacheState,
  type ManagedRedisState
} from '../domain/cache.js'
import { disableAccessKeys, ENTRA_ENABLE_MS, enableEntraAuth, isConfiguringEntra } from './cache-hardening.js'
import { minutesAndSeconds } from './long-wait.js'

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

/** Classic: the long PATCH, waited out; returns the cache as it is after. */
async function classicEntra(
  ctx: RunWideContext,
  report: RunReport,
  state: ClassicCacheState
): Promise<CacheState> {
  const { cache } = state
  // On, but still rebooting into it: an earlier run (or someone else) turned it on; only the wait is left.
  const configuring = aadEnabled(cache) && isConfiguringEntra(cache)
  return recordStep<CacheState>(
    report,
    {
      id: 'cache',
      before: aadEnabled(cache) ? 'on' : 'off',
      after: 'on'
    },
    async () => {
      if (aadEnabled(cache) && !configuring) return { status: 'unchanged', value: state }
      makeRoomForEntra(ctx)
      if (configuring) {
        const after = await ctx.cacheQueue.run(() => enableEntraAuth(ctx, state, { alreadySent: true }))
        return {
          status: 'unchanged',
          detail: 'waited for the cache to finish turning it on (ConfiguringAAD)',
          value: { ...state, cache: after }
        }
      }
      report.warnings.push(
        `Microsoft Entra authentication was turned on for cache ${state.name}: its nodes rebooted (this can take up to 30 minutes and drops open connections).`
      )
      const after = await ctx.cacheQueue.run(() => enableEntraAuth(ctx, state, { alreadySent: false }))
      return {
        status: 'updated',
        detail: 'the cache rebooted its nodes (ConfiguringAAD)',
        value: { ...state, cache: after }
      }
    },
    error =>
      explainFailure(error, 'turn on Microsoft Entra authentication on the cache', {
        cloud: ctx.cloud,
        deadline: ctx.deadline
      })
  )
}

/**
 * Classic: one PATCH, only while nothing the action can see may still use a key (see findAccessKeyUse): otherwise
 * the keys stay on and the step says why.
 */
async function classicAccessKeys(
  ctx: RunWideContext,
  report: RunReport,
  state: ClassicCacheState,
  connected: Connected[]
): Promise<void> {
  const { cache } = state
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
          `Access keys were left on for cache ${state.name}: something may still use them (${inUse.length} finding${inUse.length === 1 ? '' : 's'}; see the Access keys step). Rerun with disable-access-keys once it no longer does.`
        )
        return { status: 'skipped', after: 'on', detail: `kept on: ${inUse.join('; ')}`, value: undefined }
      }
      report.warnings.push(
        `Access keys were turned off for cache ${state.name}: clients that still use a key or connection string can no longer connect.`
      )
      await ctx.cacheQueue.run(() => disableAccessKeys(ctx, state))
      return { status: 'updated', value: undefined }
    },
    error =>
      explainFailure(error, 'turn off access keys on the cache', { cloud: ctx.cloud, deadline: ctx.deadline })
  )
}

/** Managed Redis: Entra ID is always on, and the action does not turn its database's access keys off. */
const MANAGED = CACHE_KINDS['managed-redis'].product

function managedEntra(report: RunReport, state: ManagedRedisState): CacheState {
  report.step({
    id: 'cache',
    status: 'unchanged',
    detail: `${MANAGED} always uses Microsoft Entra ID`
  })
  return state
}

function managedAccessKeys(report: RunReport, state: ManagedRedisState): void {
  report.warnings.push(
    `disable-access-keys is not applied to ${MANAGED} ${state.name}: set accessKeysAuthentication to Disabled on its database (new Managed Redis caches have it off).`
  )
}

/** The cache-wide settings steps of the cache's kind. */
interface CacheSettings {
  entra(ctx: RunWideContext, report: RunReport): Promise<CacheState>
  accessKeys(ctx: RunWideContext, report: RunReport, connected: Connected[]): Promise<void>
}

function settingsOf(cache: CacheState): CacheSettings {
  switch (cache.kind) {
    case 'redis':
      return {
        entra: (ctx, report) => classicEntra(ctx, report, cache),
        accessKeys: (ctx, report, connected) => classicAccessKeys(ctx, report, cache, connected)
      }
    case 'managed-redis':
      return {
        entra: (_ctx, report) => Promise.resolve(managedEntra(report, cache)),
        accessKeys: (_ctx, report) => Promise.resolve(managedAccessKeys(report, cache))
      }
  }
}

/**
 * enable-entra-auth: true — before any app is connected, since assignments need Entra on the cache. Returns the
 * cache as it is after, for the apps' plans.
 */
export function ensureEntraAuth(
  ctx: RunWideContext,
  report: RunReport,
  cache: CacheState
): Promise<CacheState> {
  return settingsOf(cache).entra(ctx, report)
}

/** disable-access-keys: true — only once every check of every app passed. */
export function turnOffAccessKeys(
  ctx: RunWideContext,
  report: RunReport,
  cache: CacheState,
  connected: Connected[]
): Promise<void> {
  return settingsOf(cache).accessKeys(ctx, report, connected)
}
