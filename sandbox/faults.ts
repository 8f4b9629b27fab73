// Fault injection (status / connection reset / delay / a foreign answer for matching requests) and the latency
// profile.

export interface LatencyProfile {
  /** added to every ARM request */
  armRequestMs: number
  /** LRO duration of a container app PATCH that changes only identity */
  identityUpdateMs: number
  /** LRO duration of a container app PATCH/PUT that changes the template */
  appUpdateMs: number
  /** from revision creation to Provisioned/Running/Healthy */
  revisionReadyMs: number
  /** LRO duration of an access policy assignment PUT/DELETE */
  assignmentMs: number
  /** LRO duration of a cache PATCH (aad toggle: ConfiguringAAD) */
  cacheUpdateMs: number
  /** after an aad toggle's operation reports done, how long the cache stays ConfiguringAAD (rebooting its nodes) */
  entraConfigureMs: number
}

export const noLatency: LatencyProfile = {
  armRequestMs: 0,
  identityUpdateMs: 0,
  appUpdateMs: 0,
  revisionReadyMs: 0,
  assignmentMs: 0,
  cacheUpdateMs: 0,
  entraConfigureMs: 0
}

export interface FaultSpec {
  method?: string
  /** a string matches when the request path (without query) contains it */
  path: RegExp | string
  /** `answer`: something other than Azure answers (a proxy's sign-in page, a captive portal): `status` (default
   *  200) with `text` as the body and `contentType` (default application/json) */
  kind: 'status' | 'reset' | 'delay' | 'answer'
  status?: number
  code?: string
  message?: string
  headers?: Record<string, string>
  /** the body of an `answer`, as sent */
  text?: string
  /** the content-type of an `answer` */
  contentType?: string
  delayMs?: number
  /** how many matching requests get the fault (default 1) */
  times?: number
  /** A burst: every matching request gets the fault for forMs from the first one it hits (then it is spent);
   *  `times` is ignored. */
  forMs?: number
}

export interface InjectedFault {
  method: string
  path: string
  kind: string
  status?: number
}

export interface Faults {
  /** Inject a fault into requests that match; `times` (default 1) matching requests get it, then it is spent. */
  add(f: FaultSpec): void
  clear(): void
  injected: InjectedFault[]
}

export interface FaultInjector extends Faults {
  /** Takes (and spends one use of) the first fault matching the request. */
  take(method: string, path: string): FaultSpec | undefined
}

/** A request matches when the method (if given) is the same and the path (no query) contains or matches `path`. */
export function matchesRequest(
  f: { method?: string; path: RegExp | string },
  method: string,
  path: string
): boolean {
  return (
    (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
    (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path))
  )
}

export function createFaults(now: () => number = Date.now): FaultInjector {
  const pending: { spec: FaultSpec; left: number; until?: number }[] = []
  const injected: InjectedFault[] = []
  const matches = matchesRequest
  return {
    injected,
    add(f) {
      pending.push({ spec: f, left: f.times ?? 1 })
    },
    clear() {
      pending.length = 0
    },
    take(method, path) {
      const t = now()
      for (const p of pending.filter(p => p.until !== undefined && p.until <= t))
        pending.splice(pending.indexOf(p), 1)
      const hit = pending.find(p => p.left > 0 && matches(p.spec, method, path))
      if (!hit) return undefined
      if (hit.spec.forMs !== undefined) hit.until ??= t + hit.spec.forMs
      else hit.left--
      if (hit.left === 0) pending.splice(pending.indexOf(hit), 1)
      injected.push({ method, path, kind: hit.spec.kind, status: hit.spec.status })
      return hit.spec
    }
  }
}
