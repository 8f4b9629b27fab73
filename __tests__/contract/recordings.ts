// The recorded request/response pairs of real Azure in __fixtures__/recordings (see its README), typed.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../../launcher/node24.ts'

/** One HTTP answer: what the comparer holds the sandbox to. */
export interface Answer {
  status: number
  /** Lower-case header names. */
  headers: Record<string, string | undefined>
  body: unknown
}

export interface Source {
  repository: string
  path: string
  commit: string
  recorded: string
  interaction: string
}

export interface Recording {
  description: string
  source: Source
  request: { method: string; path: string; apiVersion?: string; body?: unknown }
  response: Answer
  /** A later answer of the same exchange (e.g. the operation status once it has Succeeded). */
  final?: { status: number; body: unknown }
}

export const RECORDINGS_DIR = join(repoRoot, '__fixtures__', 'recordings')
/** Not an exchange: the api-versions seen, for the sandbox's served-version lists. */
export const API_VERSIONS_FILE = 'api-supported-versions.json'

export function recordingNames(): string[] {
  return readdirSync(RECORDINGS_DIR)
    .filter(f => f.endsWith('.json') && f !== API_VERSIONS_FILE)
    .map(f => f.replace(/\.json$/, ''))
    .sort()
}

export function recording(name: string): Recording {
  return JSON.parse(readFileSync(join(RECORDINGS_DIR, `${name}.json`), 'utf8')) as Recording
}

/** The recorded body as the type the test needs (recordings are JSON the SDK types describe loosely). */
export function body<T>(name: string): T {
  return recording(name).response.body as T
}
