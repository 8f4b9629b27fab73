/** Remote text as the action shows it: text, or a number or flag written as text; nothing for null or undefined. */
export type Text = string | number | boolean | null | undefined

/** How much of one remote text a log line keeps. */
const MAX_CHARS = 2000

/**
 * Makes text from outside the action (Azure, Entra, GitHub, an app) safe for a line of the job log. The runner
 * reads every line that starts with "::" (after leading whitespace) as a workflow command — ::add-mask::,
 * ::stop-commands::, ::error:: — and starts a new line at each CR or LF (actions/runner ActionCommand.TryParseV2).
 * Line breaks and control characters become visible escapes and "::" is broken up, so remote text can neither
 * start a line nor be one. Every log line that carries remote text goes through here.
 */
export function logSafe(value: Text): string {
  return cut(String(value ?? ''), MAX_CHARS)
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ⏎ ')
    .replace(/(?!\t)\p{Cc}/gu, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/::/g, ':\u200b:')
}

/** `text` cut to `cap` characters, saying how much was left out. */
export function cut(text: string, cap: number): string {
  return text.length > cap ? `${text.slice(0, cap)}… (${text.length - cap} characters left out)` : text
}
