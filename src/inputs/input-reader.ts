export type Getter = (name: string) => string

/** Shows a user's value safely inside an error: quoted, control characters escaped, long values cut. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return JSON.stringify(shown)
}

/**
 * Reads inputs by kind (text, required, one of, boolean, URL), gathering every problem instead of stopping at
 * the first, each naming the input, what is wrong and how to fix it.
 */
export class InputReader {
  readonly problems: string[] = []
  private readonly get: Getter

  constructor(get: Getter) {
    this.get = get
  }

  readonly text = (name: string): string => this.get(name).trim()

  readonly required = (name: string, hint: string): string => {
    const value = this.text(name)
    if (!value) this.problems.push(`Input "${name}" is required: ${hint}.`)
    return value
  }

  readonly matching = (name: string, value: string, pattern: RegExp, rule: string): void => {
    if (value && !pattern.test(value))
      this.problems.push(`Input "${name}" is ${quote(value)}, which is not valid: ${rule}.`)
  }

  readonly oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = (this.text(name) || allowed[0]).toLowerCase()
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`Input "${name}" is ${quote(this.text(name))}; use one of: ${allowed.join(', ')}.`)
      return allowed[0]
    }
    return value as T
  }

  /** YAML 1.2 core schema booleans, as the runner's own getBooleanInput accepts them; empty is false. */
  readonly boolean = (name: string): boolean => {
    const value = this.text(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (/^(false|False|FALSE|)$/.test(value)) return false
    this.problems.push(`Input "${name}" is ${quote(value)}; use true or false.`)
    return false
  }

  readonly httpsUrl = (name: string, { allowHttp }: { allowHttp: boolean }): string | undefined => {
    const value = this.text(name)
    if (!value) return undefined
    let url: URL
    try {
      url = new URL(value)
    } catch {
      this.problems.push(
        `Input "${name}" is ${quote(value)}, which is not an absolute URL; write it as https://host/path.`
      )
      return undefined
    }
    const okProtocols = allowHttp ? ['https:', 'http:'] : ['https:']
    if (!okProtocols.includes(url.protocol)) {
      this.problems.push(
        `Input "${name}" must use ${okProtocols.map(p => p.replace(':', '')).join(' or ')}, not ${quote(url.protocol)}.`
      )
    }
    if (url.username || url.password)
      this.problems.push(`Input "${name}" must not carry credentials in the URL.`)
    return allowHttp ? url.toString() : value.replace(/\/+$/, '')
  }
}
