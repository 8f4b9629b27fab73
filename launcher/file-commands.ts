// The runner's file commands: GITHUB_OUTPUT and GITHUB_ENV (`NAME=value` or `NAME<<DELIMITER` heredocs),
// GITHUB_PATH (one directory a line), parsed as the runner does after the step ends.

/** Parses a GITHUB_OUTPUT / GITHUB_ENV file; throws with the runner's message on a malformed file. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  // A final newline ends the last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals)
      if (!name) throw new Error(`Invalid format '${line}'. Name must not be empty`)
      values[name] = line.slice(equals + 1)
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (!name) throw new Error(`Invalid format '${line}'. Name must not be empty`)
      if (!delimiter) throw new Error(`Invalid format '${line}'. Delimiter must not be empty`)
      const body: string[] = []
      for (i++; ; i++) {
        if (i >= lines.length) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`)
        if (lines[i] === delimiter) break
        body.push(lines[i])
      }
      values[name] = body.join('\n')
    } else {
      throw new Error(`Invalid format '${line}'`)
    }
  }
  return values
}

/** Directories added to PATH through GITHUB_PATH, in the order they were written. */
export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}
