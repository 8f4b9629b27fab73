// PATCH of a container app or job: a JSON merge patch of tags and properties, and ARM's merge rule for identity.
import type { AppResourceState } from '../state.ts'
import { mergeIdentity } from './app-identity.ts'
import { mergePatch } from './json.ts'
import type { AppProperties, JsonObject } from './wire.ts'
import { appPropertiesGuard, parseWire, tagsGuard } from './wire-guards.ts'

export interface AppWrite {
  tags: Record<string, string>
  properties: AppProperties
  identity: AppResourceState['identity']
}

/** A member of the document as the merge patch makes it: kept when the patch leaves it out, gone when it is null. */
const mergedMember = (current: unknown, patch: unknown): unknown =>
  patch === undefined ? current : patch === null ? undefined : mergePatch(current, patch)

/** The app or job as the PATCH body would make it. */
export function mergeAppPatch(current: AppResourceState, body: JsonObject): AppWrite {
  const tags = mergedMember(current.tags, body.tags) ?? {}
  const properties = mergedMember(current.properties, body.properties) ?? {}
  const identity = mergeIdentity(current.identity, body.identity)
  return {
    tags: parseWire(tagsGuard, tags, 'tags'),
    properties: parseWire(appPropertiesGuard, properties, 'properties'),
    identity
  }
}
