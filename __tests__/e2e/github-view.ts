// What a user sees of a summary or a PR comment: the Markdown rendered by GitHub's parser (cmark-gfm) and allowlist
// (launcher/github-markdown.ts), and what any rendering of ours must satisfy there.
import { expect } from '@jest/globals'
import { renderLikeGitHub } from '../../launcher/github-markdown.ts'

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&'
}

/** Text as the browser shows it: tags dropped, entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&(lt|gt|quot|#39|amp);/g, m => ENTITIES[m])
}

export interface CodeBlock {
  lang: string
  code: string
}

/** The fenced code blocks as GitHub shows them: `<pre lang>` with the code as text. */
export function codeBlocks(html: string): CodeBlock[] {
  return [...html.matchAll(/<pre(?: lang="([^"]*)")?><code>([\s\S]*?)<\/code><\/pre>/g)].map(m => ({
    lang: m[1] ?? '',
    code: textOf(m[2])
  }))
}

/** The text of the first heading of the given level. */
export function heading(html: string, level = 2): string {
  return textOf(new RegExp(`<h${level}>([\\s\\S]*?)</h${level}>`).exec(html)?.[1] ?? '')
}

export function hrefs(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map(m => m[1].replace(/&amp;/g, '&'))
}

/** The body of the `<details>` whose summary starts with `summary` (nested details are not expected there). */
export function folded(html: string, summary: string): string | undefined {
  const at = html.indexOf(`<summary>${summary}`)
  if (at < 0) return undefined
  return html.slice(at, html.indexOf('</details>', at))
}

/**
 * Renders the Markdown as GitHub does and checks what holds for every summary and comment of ours: GitHub's
 * allowlist removes nothing (we rely on nothing it strips), every code block comes out whole — on several lines,
 * with a language, no Markdown paragraph inside it — and no raw Markdown or HTML leaks out as text.
 */
export function view(markdown: string): string {
  const { html, removed } = renderLikeGitHub(markdown)
  expect(removed).toEqual([])
  for (const pre of html.match(/<pre[\s\S]*?<\/pre>/g) ?? []) {
    expect(pre).not.toMatch(/<p>|<\/p>/)
    expect(pre).toMatch(/^<pre lang="\w+"><code>/)
  }
  for (const block of codeBlocks(html)) expect(block.code.trim().split('\n').length).toBeGreaterThan(1)
  // An HTML block that Markdown cut short leaves the rest of its line in a paragraph: closing tags inside a <p>.
  expect(html).not.toMatch(/<p>(?:(?!<\/p>)[\s\S])*<\/(td|tr|table|li|ul|summary)>/)
  for (const tag of ['table', 'details', 'ul', 'pre', 'blockquote'])
    expect((html.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe(
      (html.match(new RegExp(`</${tag}>`, 'g')) ?? []).length
    )
  return html
}
