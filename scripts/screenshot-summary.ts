// Renders a job summary file the way GitHub shows it (GitHub-flavoured Markdown with HTML, GitHub's styles) and
// screenshots it in headless Chromium (Debian: `apt-get install -y chromium fonts-noto-color-emoji`). No network.
// Usage: node scripts/with-node24.mjs scripts/screenshot-summary.ts <summary.md> <out.png> [width]
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The Markdown the summary uses besides HTML: ATX headings, paragraphs, HTML blocks (CommonMark types 1 and 6/7). */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length;) {
    const line = lines[i]
    if (!line.trim()) {
      i++
      continue
    }
    const heading = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (heading) {
      const level = heading[1].length
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`)
      i++
      continue
    }
    // Type 1: <pre>, <script>, <style>, <textarea> run to their closing tag, blank lines included.
    const raw = /^ {0,3}<(pre|script|style|textarea)[\s>]/i.exec(line)
    if (raw) {
      const close = new RegExp(`</${raw[1]}>`, 'i')
      const block: string[] = []
      while (i < lines.length) {
        block.push(lines[i])
        if (close.test(lines[i++])) break
      }
      out.push(block.join('\n'))
      continue
    }
    const block: string[] = []
    while (i < lines.length && lines[i].trim()) block.push(lines[i++])
    // Types 6/7: a line starting with a tag starts an HTML block that runs to the next blank line.
    if (/^ {0,3}<\/?[A-Za-z][\w-]*(\s[^>]*)?\/?>/.test(block[0])) out.push(block.join('\n'))
    else out.push(`<p>${inline(block.join('\n'))}</p>`)
  }
  return out.join('\n')
}

/** Inline Markdown: code spans, bold, italics; inline HTML passes through as GitHub allows it. */
function inline(text: string): string {
  return text
    .replace(/`([^`]+)`/g, (_, code: string) => `<code>${code.replace(/</g, '&lt;')}</code>`)
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
}

/** What GitHub's sanitizer removes: scripts, styles, event handlers, javascript: URLs. */
function sanitize(html: string): string {
  return html
    .replace(/<(script|style|iframe|object|embed)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(script|style|iframe|object|embed)\b[^>]*>/gi, '')
    .replace(/<[A-Za-z][^>]*>/g, tag => tag.replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, ''))
    .replace(/(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2/gi, '$1="#"')
}

// GitHub's job summary: the markdown-body styles (Primer, light theme) inside the summary card.
const STYLE = `
  body { margin: 0; background: #f6f8fa; }
  .card { margin: 16px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; }
  .card-header { padding: 12px 16px; border-bottom: 1px solid #d0d7de; font-weight: 600; font-size: 14px;
    color: #1f2328; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  .markdown-body { padding: 16px 24px 8px; color: #1f2328; font-size: 14px; line-height: 1.5; word-wrap: break-word;
    font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  .markdown-body > *:first-child { margin-top: 0 !important; }
  .markdown-body h2, .markdown-body h3 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
  .markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d8dee4; }
  .markdown-body h3 { font-size: 1.25em; }
  .markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body pre, .markdown-body details,
  .markdown-body blockquote { margin-top: 0; margin-bottom: 16px; }
  .markdown-body ul { padding-left: 2em; }
  .markdown-body li + li { margin-top: .25em; }
  .markdown-body a { color: #0969da; text-decoration: none; }
  .markdown-body code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
    font-size: 85%; padding: .2em .4em; margin: 0; background: rgba(175,184,193,.2); border-radius: 6px; white-space: break-spaces; }
  .markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; background: #f6f8fa; border-radius: 6px; }
  .markdown-body pre code { padding: 0; background: transparent; font-size: 100%; white-space: pre; }
  .markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
  .markdown-body th { font-weight: 600; }
  .markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d0d7de; vertical-align: top; }
  .markdown-body tr { background: #fff; border-top: 1px solid #d8dee4; }
  .markdown-body tr:nth-child(2n) { background: #f6f8fa; }
  .markdown-body details summary { cursor: pointer; display: list-item; }
  .markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d0d7de; }
`

export function summaryPage(markdown: string, title = 'Job summary'): string {
  return `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title.replace(/</g, '&lt;')}</title><style>${STYLE}</style></head>
<body><div class="card"><div class="card-header">${title.replace(/</g, '&lt;')}</div>
<div class="markdown-body">
${sanitize(markdownToHtml(markdown))}
</div></div></body></html>
`
}

export function chromiumBinary(): string {
  return process.env.CHROMIUM ?? 'chromium'
}

function chromiumArgs(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    `--user-data-dir=${profile}`
  ]
}

/** Screenshots the summary: a first pass measures the page height, the second shoots exactly that. */
export async function screenshotSummary(
  summaryFile: string,
  outPng: string,
  o: { width?: number; title?: string } = {}
): Promise<void> {
  const width = o.width ?? 1100
  const markdown = await readFile(summaryFile, 'utf8')
  const dir = await mkdtemp(join(tmpdir(), 'summary-shot-'))
  try {
    const page = join(dir, 'summary.html')
    await writeFile(page, summaryPage(markdown, o.title))
    // The height: a measuring copy of the page that writes its own height into the DOM (dumped by --dump-dom).
    const measure = join(dir, 'measure.html')
    await writeFile(
      measure,
      summaryPage(markdown, o.title)
        .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
        .replace(
          '</body>',
          `<script>document.body.setAttribute('data-height', String(Math.ceil(document.documentElement.getBoundingClientRect().height)))</script></body>`
        )
    )
    const dom = await run(
      chromiumBinary(),
      [
        ...chromiumArgs(join(dir, 'profile-1')),
        `--window-size=${width},800`,
        '--dump-dom',
        pathToFileURL(measure).href
      ],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }
    )
    const measured = Number(/data-height="(\d+)"/.exec(dom.stdout)?.[1])
    const height = Math.min(Math.max(Number.isFinite(measured) ? measured + 16 : 1600, 300), 16_000)
    await run(
      chromiumBinary(),
      [
        ...chromiumArgs(join(dir, 'profile-2')),
        `--window-size=${width},${height}`,
        `--screenshot=${resolve(outPng)}`,
        pathToFileURL(page).href
      ],
      { timeout: 120_000 }
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [summaryFile, outPng, width] = process.argv.slice(2)
  if (!summaryFile || !outPng) {
    console.error('usage: screenshot-summary.ts <summary.md> <out.png> [width]')
    process.exit(2)
  }
  await screenshotSummary(summaryFile, outPng, { width: width ? Number(width) : undefined })
  console.log(`wrote ${outPng}`)
}
