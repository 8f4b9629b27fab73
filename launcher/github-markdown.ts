// Renders Markdown as GitHub shows a job summary or a comment: GitHub's own parser, cmark-gfm, with GitHub's
// extensions, then GitHub's HTML allowlist. Tests assert on this HTML, and the screenshots are made from it.
//
// Why these flags (github/markup lib/github/markup/markdown.rb renders with cmark-gfm's tagfilter, autolink,
// table and strikethrough extensions and GITHUB_PRE_LANG; GitHub's Markdown adds task lists, per the GFM spec):
//   --unsafe           GitHub keeps raw HTML and then sanitizes it with an allowlist (github/markup README: "The HTML
//                      is sanitized, aggressively removing things that could harm you"). Without --unsafe cmark-gfm
//                      drops every HTML block, which GitHub does not; the allowlist below does what GitHub does.
//   -e tagfilter       GFM's "disallowed raw HTML" (<script>, <iframe>, <textarea>… are escaped).
//   -e autolink        bare URLs and www. become links, as on GitHub (so escaped values must not look like one).
//   -e table, strikethrough, tasklist   the rest of GFM.
//   --github-pre-lang  a fenced block's language as <pre lang="js">, as GitHub emits it.
// Needs cmark-gfm (Debian: apt-get install cmark-gfm).
import { execFileSync } from 'node:child_process'

export const CMARK_GFM_ARGS = [
  '--unsafe',
  '--github-pre-lang',
  ...['table', 'strikethrough', 'autolink', 'tagfilter', 'tasklist'].flatMap(e => ['--extension', e])
]

/** cmark-gfm's HTML for the Markdown, before GitHub's allowlist. */
export function renderCmarkGfm(markdown: string): string {
  return execFileSync(process.env.CMARK_GFM ?? 'cmark-gfm', CMARK_GFM_ARGS, {
    input: markdown,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
}

// GitHub's allowlist: html-pipeline's SanitizationFilter (gjtorikian/html-pipeline,
// lib/html/pipeline/sanitization_filter.rb, WHITELIST), which github/markup's README points to; plus the task
// list checkbox and <pre lang>, which GitHub emits itself.
const ELEMENTS = new Set(
  (
    'h1 h2 h3 h4 h5 h6 h7 h8 br b i strong em a pre code img tt div ins del sup sub p ol ul table thead tbody ' +
    'tfoot blockquote dl dt dd kbd q samp var hr ruby rt rp li tr td th s strike summary details input'
  ).split(' ')
)
const ATTRIBUTES_ANY = new Set(
  (
    'abbr accept accept-charset accesskey action align alt axis border cellpadding cellspacing char charoff ' +
    'charset checked clear cols colspan color compact coords datetime dir disabled enctype for frame headers ' +
    'height hreflang hspace ismap label lang maxlength media method multiple name nohref noshade nowrap open ' +
    'prompt readonly rel rev rows rowspan rules scope selected shape size span start summary tabindex target ' +
    'title type usemap valign value vspace width itemprop'
  ).split(' ')
)
const ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href']),
  img: new Set(['src', 'longdesc']),
  div: new Set(['itemscope', 'itemtype']),
  blockquote: new Set(['cite']),
  del: new Set(['cite']),
  ins: new Set(['cite']),
  q: new Set(['cite'])
}
const HREF_SCHEMES = /^(https?:|mailto:|github-windows:|github-mac:|[^:]*$)/i

const TAG =
  /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/g
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g

/** What GitHub's allowlist does to the HTML, and what it removed (elements and attributes GitHub would drop). */
export function sanitizeLikeGitHub(html: string): { html: string; removed: string[] } {
  const removed: string[] = []
  const out = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, m => {
      removed.push(m)
      return ''
    })
    .replace(TAG, (tag, close: string, name: string, attributes: string, selfClose: string) => {
      const element = name.toLowerCase()
      if (!ELEMENTS.has(element)) {
        removed.push(tag)
        return ''
      }
      if (close) return `</${element}>`
      const kept: string[] = []
      for (const [attribute, attrName, rawValue] of attributes.matchAll(ATTRIBUTE)) {
        const n = attrName.toLowerCase()
        const value = rawValue?.replace(/^["']|["']$/g, '')
        const allowed =
          ATTRIBUTES_ANY.has(n) ||
          ATTRIBUTES[element]?.has(n) ||
          (element === 'pre' && n === 'lang') ||
          (element === 'input' && n === 'type')
        if (!allowed || (n === 'href' && value !== undefined && !HREF_SCHEMES.test(value.trim()))) {
          removed.push(`${element} ${attribute}`)
          continue
        }
        kept.push(attribute)
      }
      return `<${element}${kept.map(a => ` ${a}`).join('')}${selfClose ? ' /' : ''}>`
    })
  return { html: out, removed }
}

/** The HTML GitHub shows for this Markdown (as far as its public parser and allowlist tell). */
export function renderLikeGitHub(markdown: string): { html: string; removed: string[] } {
  return sanitizeLikeGitHub(renderCmarkGfm(markdown))
}
