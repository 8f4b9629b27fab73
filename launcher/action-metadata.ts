import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { load } from 'js-yaml'

export interface ActionInput {
  description?: string
  required?: boolean
  default?: string
}

export interface ActionMetadata {
  using: string
  main: string
  inputs: Record<string, ActionInput>
}

/** Reads `action.yml` (or `action.yaml`, as the runner also accepts) of a JavaScript action. */
export async function loadActionMetadata(actionDir: string): Promise<ActionMetadata> {
  let text: string | undefined
  for (const name of ['action.yml', 'action.yaml']) {
    try {
      text = await readFile(join(actionDir, name), 'utf8')
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  if (text === undefined) throw new Error(`no action.yml or action.yaml in ${actionDir}`)
  const doc = load(text) as { runs?: { using?: unknown; main?: unknown }; inputs?: Record<string, unknown> }
  const using = String(doc?.runs?.using ?? '')
  const main = doc?.runs?.main
  if (typeof main !== 'string' || !main) throw new Error(`${actionDir}/action.yml has no runs.main`)
  const inputs: Record<string, ActionInput> = {}
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    const s = (spec ?? {}) as { description?: unknown; required?: unknown; default?: unknown }
    inputs[name] = {
      description: s.description === undefined ? undefined : String(s.description),
      required: s.required === true || s.required === 'true',
      // YAML may type a default as a number or boolean; the runner hands every input over as a string.
      default: s.default === undefined || s.default === null ? undefined : String(s.default)
    }
  }
  return { using, main, inputs }
}
