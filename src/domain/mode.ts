/** What the run does: connect (apply), show what it would change (plan), check (verify) or undo (disconnect). */
export type Mode = 'apply' | 'plan' | 'verify' | 'disconnect'

/** An input that only one mode takes; the others refuse it. */
type ModeOnlyInput = 'remove-identity' | 'delete-shared-assignment' | 'disable-access-keys'

/** What a mode does, in one record: every layer asks it rather than comparing mode names. */
export interface ModeTraits {
  /**
   * enable-entra-auth: turned on on the cache before the apps are connected ('turn-on'), taken as on by a plan
   * that says it would be ('assume-on'), or not looked at.
   */
  entraAuth: 'turn-on' | 'assume-on' | 'ignored'
  /** The inputs only this mode takes. */
  ownInputs: readonly ModeOnlyInput[]
  /** How the run summary of several apps says what was done: "3 apps connected to cache". */
  done: string
  /** The summary's variables table: the values set, to set (a plan) or removed. */
  variables: 'set' | 'to set' | 'removed'
  /** Once connected, the summary shows client code that reads the variables. */
  showsUsage: boolean
  /** On a pull request, the report is posted as a comment. */
  commentsOnPullRequest: boolean
}

export const MODES: Record<Mode, ModeTraits> = {
  apply: {
    entraAuth: 'turn-on',
    ownInputs: ['disable-access-keys'],
    done: 'connected to',
    variables: 'set',
    showsUsage: true,
    commentsOnPullRequest: false
  },
  plan: {
    entraAuth: 'assume-on',
    ownInputs: [],
    done: 'planned for',
    variables: 'to set',
    showsUsage: false,
    commentsOnPullRequest: true
  },
  verify: {
    entraAuth: 'ignored',
    ownInputs: [],
    done: 'verified with',
    variables: 'set',
    showsUsage: true,
    commentsOnPullRequest: false
  },
  disconnect: {
    entraAuth: 'ignored',
    ownInputs: ['remove-identity', 'delete-shared-assignment'],
    done: 'disconnected from',
    variables: 'removed',
    showsUsage: false,
    commentsOnPullRequest: false
  }
}

/** The modes, in the order action.yml lists them. */
export const MODE_NAMES: readonly Mode[] = ['apply', 'plan', 'verify', 'disconnect']

/** A run that failed before it knew its mode (bad inputs): it did nothing, and its report says only that. */
export const NO_MODE: ModeTraits = {
  entraAuth: 'ignored',
  ownInputs: [],
  done: 'connected to',
  variables: 'set',
  showsUsage: false,
  commentsOnPullRequest: false
}
