// Workflow commands on stdout (`::name key=value,…::message`), parsed as the runner's ActionCommand.TryParseV2.

export interface WorkflowCommand {
  command: string
  properties: Record<string, string>
  message: string
}

/** Commands the runner recognises; any other `::x::` line is ordinary output. */
const KNOWN_COMMANDS = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
])

// The runner undoes its escapes in this order, so an escaped `%` (`%25`) is restored last.
const DATA_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY_ESCAPES: [string, string][] = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]

function unescape(text: string, escapes: [string, string][]): string {
  return escapes.reduce((s, [escaped, plain]) => s.split(escaped).join(plain), text)
}

export function unescapeData(text: string): string {
  return unescape(text, DATA_ESCAPES)
}

export function unescapeProperty(text: string): string {
  return unescape(text, PROPERTY_ESCAPES)
}

/** One line of output as a workflow command, or undefined when it is not one. */
export function parseCommandLine(line: string): WorkflowCommand | undefined {
  const text = line.trimStart()
  if (!text.startsWith('::')) return undefined
  const end = text.indexOf('::', 2)
  if (end < 0) return undefined
  const info = text.slice(2, end)
  const space = info.indexOf(' ')
  const command = space < 0 ? info : info.slice(0, space)
  if (!KNOWN_COMMANDS.has(command)) return undefined
  const properties: Record<string, string> = {}
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const eq = pair.indexOf('=')
      // The runner drops pairs without a key or without a value.
      if (eq <= 0 || eq === pair.length - 1) continue
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
    }
  }
  return { command, properties, message: unescapeData(text.slice(end + 2)) }
}

/**
 * Every workflow command in an output stream, honouring `::stop-commands::TOKEN` (commands are ignored until a
 * `::TOKEN::` line).
 */
export function parseWorkflowCommands(output: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  let resumeToken: string | undefined
  for (const line of output.split(/\r?\n/)) {
    if (resumeToken !== undefined) {
      if (line.trim() === `::${resumeToken}::`) resumeToken = undefined
      continue
    }
    const cmd = parseCommandLine(line)
    if (!cmd) continue
    commands.push(cmd)
    if (cmd.command === 'stop-commands' && cmd.message) resumeToken = cmd.message
  }
  return commands
}
