/** A problem with the workflow's inputs: shown as is, without a stack trace, before anything is written. */
export class InputError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs need fixing:\n${problems.map(p => `  - ${p}`).join('\n')}`
    )
    this.name = 'InputError'
    this.problems = problems
  }
}
