import { cut } from '../domain/text.js'

/** A read's answer as the client received it, before the SDK's deserializers dropped anything. */
export interface Answer {
  status: number
  contentType?: string
  /** The body as JSON, or as text when it was not JSON. */
  body: unknown
}

/** What a proxy or a captive portal answering in Azure's place most likely means, and what to check. */
export const FOREIGN_ANSWER_FIX =
  'Something other than Azure Resource Manager may have answered: a proxy, a captive portal or a TLS-inspecting gateway. Check HTTPS_PROXY and NO_PROXY on the runner (Azure Resource Manager must be reached directly, or through a proxy that passes its answers on unchanged) and that resource-manager-endpoint points at Azure. Nothing was planned or written from this answer; rerun the action once Azure answers.'

const describe = (answer: Answer | undefined): string =>
  answer
    ? `the answer (HTTP ${answer.status}${answer.contentType ? `, ${answer.contentType}` : ''})`
    : 'the answer'

/**
 * An answer to a read that is not the resource asked for — a sign-in page, `{}`, another resource — so nothing may
 * be planned from it. `problems` say what it lacked or got wrong, in ARM's JSON terms.
 */
export class UnexpectedAnswerError extends Error {
  readonly problems: string[]

  constructor(what: string, answer: Answer | undefined, problems: string[]) {
    super(`${describe(answer)} is not ${what}: ${problems.join('; ')}`)
    this.name = 'UnexpectedAnswerError'
    this.problems = problems
  }
}

/** The first characters of a body that is not JSON: enough to recognise a sign-in page, on one line. */
export function opening(text: string): string {
  return cut(text.replace(/\s+/g, ' ').trim(), 60)
}
