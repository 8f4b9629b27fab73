// JSON helpers: RFC 7396 merge patch and order-insensitive comparison of documents.
import type { JsonObject } from './wire.ts'
import { isJsonObject } from './wire-guards.ts'

/** RFC 7396: objects merge key by key, `null` deletes, everything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: JsonObject): JsonObject
export function mergePatch(target: unknown, patch: unknown): unknown
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch)
  const out: JsonObject = isJsonObject(target) ? { ...target } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** JSON text with object keys sorted and undefined members dropped, for equality checks. */
export function canonical(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : isJsonObject(x)
        ? Object.fromEntries(
            Object.keys(x)
              .filter(k => x[k] !== undefined)
              .sort()
              .map(k => [k, sort(x[k])])
          )
        : x
  return JSON.stringify(sort(v ?? null))
}

export const sameJson = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)
