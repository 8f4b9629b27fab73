// Renders a job summary (GitHub-flavoured Markdown with HTML) as plain text for a terminal.
const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#96;': '`',
  '&#124;': '|',
  '&amp;': '&'
}

function decode(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|#96|#124|amp);/g, m => ENTITIES[m])
}

function tableAsText(html: string): string {
  const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map(r =>
    [...r[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/gs)].map(c => decode(c[1].replace(/<[^>]+>/g, '')))
  )
  const widths = rows[0]?.map((_, i) => Math.min(60, Math.max(...rows.map(r => (r[i] ?? '').length)))) ?? []
  return rows
    .map(r => r.map((c, i) => (c.length > 60 ? `${c.slice(0, 57)}...` : c).padEnd(widths[i])).join('  '))
    .join('\n')
}

function proseAsText(html: string): string {
  return decode(
    html
      // The code samples are folded on GitHub too; a terminal shows that they are there.
      .replace(
        /<details><summary>(Use it from your app)<\/summary>.*?<\/details>/gs,
        '▸ $1 (folded: Node.js, Python and .NET samples)\n'
      )
      .replace(/<pre><code>(.*?)<\/code><\/pre>/gs, (_, code: string) => `\n${code}\n`)
      .replace(/<br>/g, '\n')
      .replace(/<li>/g, '\n  • ')
      .replace(/<summary>(.*?)<\/summary>/g, '▸ $1\n')
      .replace(/<[^>]+>/g, '')
  )
}

/** Tables become aligned columns; everything else loses its tags. Entities are decoded last, so text like "< 0.1 s" survives. */
export function summaryAsText(summary: string): string {
  return summary
    .split(/(<table>.*?<\/table>)/s)
    .map(part => (part.startsWith('<table>') ? `\n${tableAsText(part)}\n` : proseAsText(part)))
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
