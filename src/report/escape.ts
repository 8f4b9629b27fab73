// The summary and the PR comment are Markdown with HTML blocks (GitHub renders them with cmark-gfm, then
// sanitizes). Every value from Azure or the inputs goes through one of these before it is written there.
import type { Text } from '../domain/text.js'

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '|': '&#124;',
  // An HTML block ends at the first blank line, and what follows is Markdown again: a value with a blank line in
  // it would break out of its table (fake headings, links, images). Encoded, a line break cannot end the block.
  '\n': '&#10;',
  '\r': '&#13;'
}

/** Escapes a value from the user or from Azure for an HTML block of the summary (a table cell, a list item). */
export function escapeHtml(value: Text): string {
  return String(value ?? '').replace(/[&<>"'`|\n\r]/g, c => ENTITIES[c])
}

/** Characters Markdown gives a meaning to in a paragraph or a heading (emphasis, links, autolinks, escapes). */
const MARKDOWN: Record<string, string> = {
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '(': '&#40;',
  ')': '&#41;',
  '\\': '&#92;',
  '~': '&#126;',
  '!': '&#33;',
  '#': '&#35;',
  ':': '&#58;',
  '.': '&#46;',
  '@': '&#64;'
}

/** Escapes a value for Markdown text (a heading): as escapeHtml, and nothing in it can format, link or mention. */
export function escapeMarkdown(value: Text): string {
  return String(value ?? '').replace(/[&<>"'`|\n\r*_[\]()\\~!#:.@]/g, c => ENTITIES[c] ?? MARKDOWN[c])
}

/**
 * Text the action wrote, which may quote values: escaped, with `code spans` as <code> (commands, input names) and
 * line breaks as <br>. For an HTML block.
 */
export function prose(text: Text): string {
  return String(text ?? '')
    .split(/\r?\n\s*/)
    .map(line =>
      line
        .split(/`([^`]+)`/)
        .map((part, i) => (i % 2 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
        .join('')
    )
    .join('<br>')
}
