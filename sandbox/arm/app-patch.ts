// PATCH of a container app or job: a JSON merge patch of tags and properties; identity is replaced whole.
import type { AppResourceState, Json } from '../state.ts'
import { normaliseIdentity } from './app-identity.ts'
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
  // `identity` is not merged: the object in the request replaces the identity whole.
  const identity = 'identity' in body ? normaliseIdentity(body.identity) : current.identity
  return { tags: merged.tags ?? {}, properties: merged.properties ?? {}, identity }
}
