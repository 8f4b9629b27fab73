const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '|': '&#124;'
}

/** Escapes a value from the user or from Azure for the job summary (HTML and Markdown tables). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`|]/g, c => ENTITIES[c])
}
