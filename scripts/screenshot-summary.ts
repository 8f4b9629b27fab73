// Renders a job summary file the way GitHub shows it — GitHub's parser and allowlist (launcher/github-markdown.ts:
// cmark-gfm with GitHub's extensions), in a page with GitHub's styles — and screenshots it in headless Chromium
// (Debian: `apt-get install -y cmark-gfm chromium fonts-noto-color-emoji`), with every <details> open. No network.
// Usage: node scripts/with-node24.mjs scripts/screenshot-summary.ts <summary.md> <out.png> [width]
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { renderLikeGitHub } from '../launcher/github-markdown.ts'

const run = promisify(execFile)

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
  .markdown-body h2 code, .markdown-body h3 code { font-size: 85%; }
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
${renderLikeGitHub(markdown).html.replace(/<details>/g, '<details open>')}
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
