// Request bodies are untrusted JSON (or form) values: a route reads the members it needs, of the type it needs.

export const isJsonObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** One member of the body, when the body is an object. */
export const memberOf = (body: unknown, key: string): unknown => (isJsonObject(body) ? body[key] : undefined)

/** The body's string members (all a form body has); any other member reads as absent. */
export function stringMembers(body: unknown): Record<string, string | undefined> {
  if (!isJsonObject(body)) return {}
  const out: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v
  return out
}
