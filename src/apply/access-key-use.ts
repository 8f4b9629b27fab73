import type { Revision, Template } from '@azure/arm-appcontainers'
import { getTarget } from '../read/target.js'
import { WORKLOADS, type Target } from '../domain/target.js'
import { WORKLOAD_OPERATIONS } from '../azure/workload-operations.js'
import type { RunWideContext } from '../run-context.js'

/** An app or job of the run, and the revision the run connected (verified) for it. */
export interface Connected {
  target: Target
  revision: string
}

/** A connection string or URL that carries a password: StackExchange.Redis `password=`, or `rediss://:key@host`. */
const CARRIES_KEY = /password\s*=|access.?key\s*=|\/\/[^\s/@]*:[^\s/@]+@/i

/**
 * Why the cache's access keys must stay on, as far as the action can see; empty when nothing it can see needs them.
 *
 * What it can see: the traffic split and every active revision's template (an app's) or the template (a job's),
 * with plain variable values in full. What it cannot: secret values (a GET hides them, and the action does not
 * call listSecrets), so a variable that references a secret, or secrets mounted as files, might hold a key or a
 * connection string of this cache: that counts as a reason (the safe side). Nor can it see clients outside this
 * run (other apps, functions, developers' machines); the README says so.
 */
export async function findAccessKeyUse(
  ctx: RunWideContext,
  connected: Connected[],
  host: string
): Promise<string[]> {
  const reasons: string[] = []
  for (const { target, revision } of connected) {
    const operations = WORKLOAD_OPERATIONS[target.kind]
    if (!operations.listRevisions) {
      // Without revisions, the template is what runs (a job's next execution).
      const resource = await getTarget(ctx.clients, target, { abortSignal: ctx.deadline.signal })
      const label = `${WORKLOADS[target.kind].noun} ${target.name}`
      reasons.push(...templateKeyUse(label, resource.template, host, ctx.config.redisName))
      continue
    }
    const active: Revision[] = []
    const pages = operations.listRevisions(ctx.clients.apps, target, { abortSignal: ctx.deadline.signal })
    for await (const r of pages) if (r.active) active.push(r)
    const weight = (r: Revision | undefined) => r?.trafficWeight ?? 0
    const others = active.filter(r => r.name !== revision && weight(r) > 0)
    if (others.length)
      reasons.push(
        `${target.name}: ${weight(active.find(r => r.name === revision))}% of traffic reaches revision ${revision} (the one with the Redis variables); the rest goes to revisions that may still use a key (${others.map(r => `${r.name}: ${weight(r)}%`).join(', ')}). Shift all traffic to ${revision} first (az containerapp ingress traffic set)`
      )
    for (const r of active)
      reasons.push(
        ...templateKeyUse(`${target.name}, revision ${r.name}`, r.template, host, ctx.config.redisName)
      )
  }
  return reasons
}

/** What in one template may use an access key of the cache; never the value itself. */
function templateKeyUse(
  where: string,
  template: Template | undefined,
  host: string,
  cacheName: string
): string[] {
  const found: string[] = []
  const names = [host, `${cacheName}.`].filter(Boolean).map(n => n.toLowerCase())
  for (const c of [...(template?.initContainers ?? []), ...(template?.containers ?? [])]) {
    for (const v of c.env ?? []) {
      if (v.secretRef)
        found.push(
          `${where}, container ${c.name}: ${v.name} references secret ${v.secretRef}, and the action cannot read secret values, so it cannot rule out an access key or connection string of this cache there`
        )
      else if (v.value && CARRIES_KEY.test(v.value) && names.some(n => v.value?.toLowerCase().includes(n)))
        found.push(
          `${where}, container ${c.name}: ${v.name} holds a connection string with an access key for ${host}`
        )
    }
  }
  for (const volume of template?.volumes ?? [])
    if (/^secret$/i.test(volume.storageType ?? ''))
      found.push(
        `${where}: volume ${volume.name} mounts secrets as files, which the action cannot read to rule out an access key`
      )
  return found
}
