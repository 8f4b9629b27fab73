import { readAzureError } from './azure-error.js'
import { cut } from '../domain/text.js'
import { opening, UnexpectedAnswerError, type Answer } from './unexpected-answer.js'

/** The part of a raw response every official client hands to `onResponse`. */
interface RawResponse {
  status: number
  headers: { get(name: string): string | undefined }
  bodyAsText?: string | null
  parsedBody?: unknown
}

export type OnResponse = (response: RawResponse) => void

/** What a field must be: a non-empty string, a number, an object, or a non-empty list of objects. */
export type Need = 'text' | 'number' | 'object' | 'objects'

/** What an answer must be to be the resource asked for. */
export interface Expectation {
  /** "container app orders-api", for messages */
  what: string
  /** its resource id; ids compare case-insensitively (Azure answers `…/containerapps/…` for `containerApps`) */
  id?: string
  name: string
  /** dotted paths into the ARM JSON, in order; a path under one already missing is not listed again */
  fields: [string, Need][]
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The value at a dotted path of ARM JSON, or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  let value = body
  for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined
  return value
}

function fits(value: unknown, need: Need): boolean {
  switch (need) {
    case 'text':
      return typeof value === 'string' && value.length > 0
    case 'number':
      return typeof value === 'number'
    case 'object':
      return isRecord(value)
    case 'objects':
      return Array.isArray(value) && value.length > 0 && value.every(isRecord)
  }
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
/** A name or id from the answer, on one line and bounded (an answer can be anything). */
const shown = (text: string): string => cut(text.replace(/\s+/g, ' '), 300)

function problemsOf(body: unknown, expected: Expectation): string[] {
  if (body === undefined || body === null || body === '') return ['no body']
  if (typeof body === 'string') return [`not JSON (it starts with "${opening(body)}")`]
  if (!isRecord(body)) return ['not a JSON object']
  const problems: string[] = []
  const { id, name } = body
  if (expected.id !== undefined) {
    if (typeof id !== 'string' || !id) problems.push(`no id (expected ${expected.id})`)
    else if (!same(id, expected.id)) problems.push(`id ${shown(id)} is not ${expected.id}`)
  }
  if (typeof name !== 'string' || !name) problems.push('no name')
  else if (!same(name, expected.name)) problems.push(`name ${shown(name)} is not ${expected.name}`)
  const missing: string[] = []
  for (const [path, need] of expected.fields) {
    if (missing.some(parent => path.startsWith(`${parent}.`))) continue
    if (!fits(valueAt(body, path), need)) missing.push(path)
  }
  return [...problems, ...missing.map(path => `no ${path}`)]
}

/** The answer's body when it is the resource expected; otherwise an UnexpectedAnswerError naming what is wrong. */
export function checkAnswer(answer: Answer | undefined, expected: Expectation): Record<string, unknown> {
  const body = answer?.body
  const problems = problemsOf(body, expected)
  if (problems.length || !isRecord(body)) throw new UnexpectedAnswerError(expected.what, answer, problems)
  return body
}

/**
 * The body as Azure sent it. The text is parsed here because the clients' `parsedBody` differs: the modular clients
 * give the parsed JSON, the older ones (@azure/arm-rediscache, @azure/arm-msi) their model's flattened view.
 */
function rawBody(response: RawResponse): unknown {
  const text = response.bodyAsText
  if (typeof text !== 'string' || text === '') return response.parsedBody
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed
  } catch {
    return text
  }
}

/** The answer as it came: its status, its content type and its body. */
function answerOf(response: RawResponse): Answer {
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: rawBody(response)
  }
}

/**
 * Runs a read through an official client with `onResponse`, keeping the answer as it came. A body the client
 * could not parse as the JSON it claimed to be is not Azure's answer either.
 */
export async function readAnswer<T>(
  expected: Pick<Expectation, 'what'>,
  read: (onResponse: OnResponse) => Promise<T>
): Promise<{ value: T; answer: Answer | undefined }> {
  let answer: Answer | undefined
  const onResponse: OnResponse = response => {
    answer = answerOf(response)
  }
  try {
    return { value: await read(onResponse), answer }
  } catch (error) {
    if (readAzureError(error).code !== 'PARSE_ERROR') throw error
    const text = answer?.body
    throw new UnexpectedAnswerError(expected.what, answer, [
      typeof text === 'string' && text ? `not JSON (it starts with "${opening(text)}")` : 'not JSON'
    ])
  }
}

/** Why a page's body is not an ARM list (`{"value": [...]}`), or nothing when it is one. */
export function listProblems(body: unknown): string[] {
  if (body === undefined || body === null || body === '') return ['no body']
  if (typeof body === 'string') return [`not JSON (it starts with "${opening(body)}")`]
  if (!isRecord(body)) return ['not a JSON object']
  return Array.isArray(body.value) ? [] : ['not a list (no "value" array)']
}

/**
 * Reads every page of a list through an official client with `onResponse`, and checks that each page Azure
 * answered is an ARM list. The clients read `{}` as an empty page, which would pass for "there are none"; one
 * fails on it with a TypeError, which would say nothing. Azure's own refusals (a 403) are thrown as they are.
 */
export async function readList<T>(
  what: string,
  list: (onResponse: OnResponse) => AsyncIterable<T>
): Promise<T[]> {
  const pages: Answer[] = []
  const onResponse: OnResponse = response => {
    if (response.status >= 200 && response.status < 300) pages.push(answerOf(response))
  }
  const notAList = (): UnexpectedAnswerError | undefined => {
    for (const page of pages) {
      const problems = listProblems(page.body)
      if (problems.length) return new UnexpectedAnswerError(what, page, problems)
    }
    return undefined
  }
  const items: T[] = []
  try {
    for await (const item of list(onResponse)) items.push(item)
  } catch (error) {
    if (readAzureError(error).status === undefined) throw notAList() ?? error
    throw error
  }
  const problem = notAList()
  if (problem) throw problem
  return items
}
