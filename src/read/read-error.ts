/** A read that failed, with what was being read, so the error can name the resource. */
export class ReadError extends Error {
  readonly what: string
  override readonly cause: unknown

  constructor(what: string, cause: unknown) {
    super(`Could not read ${what}`)
    this.what = what
    this.cause = cause
  }
}
