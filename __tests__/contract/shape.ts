// Compares the shape of two HTTP answers: status, LRO headers, field names, JSON types and nulls. Values are not
// compared (ids, names and times differ by nature); a sandbox that answers with another shape than Azure does is.

export interface Difference {
  /** 'status', 'header <name>' or 'body.<path>' (array elements as [0]). */
  where: string
  kind: 'status' | 'header-missing' | 'header-extra' | 'missing' | 'extra' | 'type' | 'key'
  recorded: string
  sandbox: string
}

export interface ShapedAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

/** The headers a poller acts on: whether they are there decides how the SDK waits. */
export const LRO_HEADERS = ['azure-asyncoperation', 'location', 'retry-after'] as const

export function jsonType(v: unknown): string {
  if (v === undefined) return 'absent'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

function isObject(v: unknown): v is Record<string, unknown> {
  return jsonType(v) === 'object'
}

/** `*` matches one path segment, a trailing `**` a whole subtree. */
export function pathMatches(pattern: string, where: string): boolean {
  const escaped = pattern
    .split(/(\*\*|\*)/)
    .map(part => (part === '**' ? '.*' : part === '*' ? '[^.]+' : part.replace(/[.[\]()+?^$|\\{}]/g, '\\$&')))
    .join('')
  return new RegExp(`^${escaped}$`).test(where)
}

/**
 * Objects keyed by data (resource ids, tag names): their keys are compared by form (an ARM id's type segments,
 * e.g. Azure's lowercase `resourcegroups`), and the first value of each stands for all.
 */
const KEYED_BY_DATA = /(\.userAssignedIdentities|\.tags)$/

/** An ARM id with its names replaced by `*`, its type segments kept (subscriptions, resourcegroups, providers…). */
export function keyForm(key: string): string {
  if (!key.startsWith('/')) return '*'
  const segments = key.split('/').slice(1)
  const providers = segments.findIndex(x => /^providers$/i.test(x))
  return (
    '/' +
    segments
      .map((segment, i) => {
        // Before providers: subscriptions/{id}/resourceGroups/{name}; after: {namespace}/{type}/{name}/…
        const isName =
          providers < 0 || i < providers ? i % 2 === 1 : i > providers + 1 && (i - providers) % 2 === 1
        return isName ? '*' : segment
      })
      .join('/')
  )
}

function compareKeyedByData(
  recorded: Record<string, unknown>,
  sandbox: Record<string, unknown>,
  where: string,
  out: Difference[]
): void {
  const [rKey, rValue] = Object.entries(recorded)[0] ?? []
  const [sKey, sValue] = Object.entries(sandbox)[0] ?? []
  if (rKey === undefined || sKey === undefined) return
  if (keyForm(rKey) !== keyForm(sKey))
    out.push({ where: `${where}{key}`, kind: 'key', recorded: keyForm(rKey), sandbox: keyForm(sKey) })
  compareValue(rValue, sValue, `${where}{value}`, out)
}

function compareValue(recorded: unknown, sandbox: unknown, where: string, out: Difference[]): void {
  const r = jsonType(recorded)
  const s = jsonType(sandbox)
  if (r !== s) {
    out.push({
      where,
      kind: s === 'absent' ? 'missing' : r === 'absent' ? 'extra' : 'type',
      recorded: r,
      sandbox: s
    })
    return
  }
  if (isObject(recorded) && isObject(sandbox) && KEYED_BY_DATA.test(where)) {
    compareKeyedByData(recorded, sandbox, where, out)
    return
  }
  if (isObject(recorded) && isObject(sandbox)) {
    for (const key of Object.keys(recorded)) compareValue(recorded[key], sandbox[key], `${where}.${key}`, out)
    for (const key of Object.keys(sandbox))
      if (!(key in recorded))
        out.push({
          where: `${where}.${key}`,
          kind: 'extra',
          recorded: 'absent',
          sandbox: jsonType(sandbox[key])
        })
    return
  }
  // Array elements share one shape: the first of each, when both have one, stands for all.
  if (Array.isArray(recorded) && Array.isArray(sandbox) && recorded.length && sandbox.length)
    compareValue(recorded[0], sandbox[0], `${where}[0]`, out)
}

const headerValue = (h: ShapedAnswer['headers'], name: string): string | undefined => {
  const found = Object.entries(h).find(([k]) => k.toLowerCase() === name)?.[1]
  return Array.isArray(found) ? found[0] : found
}

/** Every way the sandbox's answer differs in shape from Azure's, except under the ignored paths. */
export function compareShape(
  recorded: ShapedAnswer,
  sandbox: ShapedAnswer,
  ignore: string[] = []
): Difference[] {
  const out: Difference[] = []
  if (recorded.status !== sandbox.status)
    out.push({
      where: 'status',
      kind: 'status',
      recorded: String(recorded.status),
      sandbox: String(sandbox.status)
    })
  for (const name of LRO_HEADERS) {
    const r = headerValue(recorded.headers, name) !== undefined
    const s = headerValue(sandbox.headers, name) !== undefined
    if (r !== s)
      out.push({
        where: `header ${name}`,
        kind: r ? 'header-missing' : 'header-extra',
        recorded: r ? 'present' : 'absent',
        sandbox: s ? 'present' : 'absent'
      })
  }
  compareValue(recorded.body, sandbox.body, 'body', out)
  return out.filter(d => !ignore.some(p => pathMatches(p, d.where)))
}

export const describeDifference = (d: Difference): string =>
  `${d.where}: ${d.kind} (Azure ${d.recorded}, sandbox ${d.sandbox})`
