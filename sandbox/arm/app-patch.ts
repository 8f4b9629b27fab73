// PATCH of a container app or job: a JSON merge patch of tags and properties, and ARM's merge rule for identity.
import type { AppResourceState, Json } from '../state.ts'
import { mergeIdentity } from './app-identity.ts'
import { mergePatch } from './json.ts'

export interface AppWrite {
  tags: Record<string, string>
  properties: Json
  identity: AppResourceState['identity']
}

/** The app or job as the PATCH body would make it. */
export function mergeAppPatch(current: AppResourceState, body: Json): AppWrite {
  const merged = mergePatch(
    { tags: current.tags, properties: current.properties },
    { tags: body.tags, properties: body.properties }
  )
  const identity = mergeIdentity(current.identity, body.identity)
  return { tags: merged.tags ?? {}, properties: merged.properties ?? {}, identity }
}
