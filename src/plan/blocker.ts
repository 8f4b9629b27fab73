/** Something that makes the run impossible, found before any write. */
export interface Blocker {
  step: 'identity' | 'assignment' | 'variables' | 'cache'
  message: string
  fix: string
}
