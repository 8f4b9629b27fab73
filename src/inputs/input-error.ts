/** A problem with the workflow's inputs: shown as is, without a stack trace, before anything is written. */
export class InputError extends Error {
  readonly problems: string[]
  /** A title and a fix of its own, for a problem that is not in the step's inputs (the job's permissions). */
  readonly title?: string
  readonly fix?: string

  constructor(problems: string[], o: { title?: string; fix?: string } = {}) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs need fixing:\n${problems.map(p => `  - ${p}`).join('\n')}`
    )
    this.name = 'InputError'
    this.problems = problems
    this.title = o.title
    this.fix = o.fix
  }
}
