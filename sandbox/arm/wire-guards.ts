// Checks of what clients send against the wire types: a request body is untrusted JSON until a guard has seen it.
// A member of the wrong JSON type is refused the way ARM refuses content it cannot deserialize (400
// InvalidRequestContent); members the sandbox does not read are not checked, and are kept as written.
import type { SandboxRequest } from '../http.ts'
import { isJsonObject } from '../request-body.ts'
import { invalidRequestContent } from './errors.ts'
import type {
  AppProperties,
  Configuration,
  Container,
  EnvVar,
  Ingress,
  JsonObject,
  RedisConfiguration,
  RedisProperties,
  RedisSku,
  Scale,
  Secret,
  Template,
  TrafficWeight
} from './wire.ts'

export { isJsonObject }

/** Where a value did not fit: the path of its first member that does not. */
interface Mismatch {
  path?: string
}

/** A type guard that notes in `miss` where the value does not fit. */
type Guard<T> = (v: unknown, path: string, miss: Mismatch) => v is T

const fail = (miss: Mismatch, path: string): false => {
  miss.path ??= path
  return false
}

const string: Guard<string> = (v, path, miss): v is string => typeof v === 'string' || fail(miss, path)
const number: Guard<number> = (v, path, miss): v is number => typeof v === 'number' || fail(miss, path)
const boolean: Guard<boolean> = (v, path, miss): v is boolean => typeof v === 'boolean' || fail(miss, path)
const object: Guard<JsonObject> = (v, path, miss): v is JsonObject => isJsonObject(v) || fail(miss, path)
const array: Guard<unknown[]> = (v, path, miss): v is unknown[] => Array.isArray(v) || fail(miss, path)

/** Absent, or fits `g`. */
const optional =
  <T>(g: Guard<T>): Guard<T | undefined> =>
  (v, path, miss): v is T | undefined =>
    v === undefined || g(v, path, miss)

/** Absent, null, or fits `g`. */
const nullable =
  <T>(g: Guard<T>): Guard<T | null | undefined> =>
  (v, path, miss): v is T | null | undefined =>
    v === undefined || v === null || g(v, path, miss)

const arrayOf =
  <T>(g: Guard<T>): Guard<T[]> =>
  (v, path, miss): v is T[] =>
    Array.isArray(v) ? v.every((x, i) => g(x, `${path}[${i}]`, miss)) : fail(miss, path)

const recordOf =
  <T>(g: Guard<T>): Guard<Record<string, T>> =>
  (v, path, miss): v is Record<string, T> =>
    isJsonObject(v) ? Object.entries(v).every(([k, x]) => g(x, `${path}.${k}`, miss)) : fail(miss, path)

/** An object whose typed members each fit their guard (one for every member of T); other members are not checked. */
const shape =
  <T extends JsonObject>(members: { [K in keyof T]-?: Guard<T[K] | undefined> }): Guard<T> =>
  (v, path, miss): v is T =>
    isJsonObject(v)
      ? Object.entries(members).every(([k, g]) => g(v[k], path ? `${path}.${k}` : k, miss))
      : fail(miss, path)

const envVar = shape<EnvVar>({ name: optional(string), value: nullable(string), secretRef: nullable(string) })
const container = shape<Container>({
  name: optional(string),
  image: nullable(string),
  env: nullable(arrayOf(envVar))
})
const scale = shape<Scale>({ minReplicas: nullable(number), maxReplicas: nullable(number) })
const template = shape<Template>({
  revisionSuffix: nullable(string),
  containers: nullable(arrayOf(container)),
  initContainers: nullable(arrayOf(container)),
  scale: nullable(scale),
  volumes: nullable(array)
})
const secret = shape<Secret>({
  name: optional(string),
  value: nullable(string),
  keyVaultUrl: nullable(string),
  identity: nullable(string)
})
const trafficWeight = shape<TrafficWeight>({
  revisionName: nullable(string),
  weight: nullable(number),
  latestRevision: nullable(boolean)
})
const ingress = shape<Ingress>({ fqdn: nullable(string), traffic: nullable(arrayOf(trafficWeight)) })
const configuration = shape<Configuration>({
  secrets: nullable(arrayOf(secret)),
  registries: nullable(array),
  activeRevisionsMode: nullable(string),
  ingress: nullable(ingress),
  identitySettings: nullable(array)
})

export const appPropertiesGuard = shape<AppProperties>({
  managedEnvironmentId: nullable(string),
  environmentId: nullable(string),
  workloadProfileName: nullable(string),
  configuration: nullable(configuration),
  template: nullable(template),
  delegatedIdentities: nullable(array)
})

export const tagsGuard = recordOf(string)

export const redisPropertiesGuard = shape<RedisProperties>({
  sku: optional(
    shape<RedisSku>({ name: optional(string), family: optional(string), capacity: optional(number) })
  ),
  redisConfiguration: optional(shape<RedisConfiguration>({ 'aad-enabled': optional(string) }))
})

/** The value as the guard's type, or ARM's 400 naming where it does not fit. */
export function parseWire<T>(guard: Guard<T>, v: unknown, path: string): T {
  const miss: Mismatch = {}
  if (guard(v, path, miss)) return v
  throw invalidRequestContent(`Unexpected value at '${miss.path ?? path}'.`)
}

/** The request's JSON object; no body reads as `{}`, as the routes always took it. */
export function requestObject(req: SandboxRequest): JsonObject {
  const body = req.body ?? {}
  if (!isJsonObject(body)) throw invalidRequestContent('The request body is not a JSON object.')
  return body
}

/** A member the route reads as an object: absent or null reads as `{}`; anything else is refused. */
export const objectMember = (v: unknown, path: string): JsonObject =>
  v === undefined || v === null ? {} : parseWire(object, v, path)

/** A member of the body that the route reads as an object: anything else reads as `{}`, as it always did. */
export const objectOr = (v: unknown): JsonObject => (isJsonObject(v) ? v : {})
