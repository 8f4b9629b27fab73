// JSON helpers: RFC 7396 merge patch and order-insensitive comparison of documents.
import type { Json } from '../state.ts'

const isObject = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** RFC 7396: objects merge key by key, `null` deletes, everything else (arrays too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch)
  const out: Record<string, Json> = isObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** JSON text with object keys sorted and undefined members dropped, for equality checks. */
export function canonical(v: Json): string {
  const sort = (x: Json): Json =>
    Array.isArray(x)
      ? x.map(sort)
      : isObject(x)
        ? Object.fromEntries(
            Object.keys(x)
              .filter(k => x[k] !== undefined)
              .sort()
              .map(k => [k, sort(x[k])])
          )
        : x
  return JSON.stringify(sort(v ?? null))
}

export const sameJson = (a: Json, b: Json): boolean => canonical(a) === canonical(b)
