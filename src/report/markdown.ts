// Building blocks of the summary and the PR comment, as GitHub's Markdown (cmark-gfm) reads them: every HTML
// block is one line (escaped values carry no line break), and blank lines separate blocks.
import { escapeHtml as h } from './escape.js'

/** An HTML table on one line: an HTML block, so its cells are never read as Markdown. */
export function table(header: string[], rows: string[][]): string {
  const th = `<tr>${header.map(x => `<th>${x}</th>`).join('')}</tr>`
  return `<table>${th}${rows.map(r => `<tr>${r.map(x => `<td>${x}</td>`).join('')}</tr>`).join('')}</table>\n`
}

/**
 * A fenced code block with a language (GitHub highlights it). The fence is longer than any run of backticks in
 * the code, so nothing in it can close the block early.
 */
export function codeBlock(lang: string, code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${code.replace(/\r\n?/g, '\n')}\n${fence}\n`
}

/** A value inside a fenced code block: on one line. */
export function codeValue(value: string): string {
  return value.replace(/[\r\n]+/g, ' ')
}

/**
 * A folded section whose body is Markdown (fenced code, tables): the tags stand on their own lines, with blank
 * lines around the body, so GitHub renders the body instead of passing it through as raw HTML.
 */
export function details(summary: string, body: string, o: { open?: boolean } = {}): string {
  return `<details${o.open ? ' open' : ''}><summary>${summary}</summary>\n\n${body.trimEnd()}\n\n</details>\n`
}

/** A link; the URL is escaped as an attribute. */
export function link(href: string, text: string): string {
  return `<a href="${h(href)}">${text}</a>`
}
