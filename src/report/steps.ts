import { variablesTitle, type TargetKind } from '../domain/target.js'
import type { Blocker } from '../plan/blocker.js'

/** One step of a run, as the report shows it. */
interface StepDefinition {
  /** The step's row title; a function where it differs between an app and a job. */
  title: string | ((kind: TargetKind) => string)
  /** The title when the step finds the work already under way (a revision made before this run). */
  underWayTitle?: string
  /** The failure's title when the plan finds this step impossible (see Blocker). */
  blockedTitle?: string
  /** Whether the step writes to Azure (sign-in and read only read): a failed write may still have landed. */
  writes: boolean
  /** Shown in the pull-request comment of a plan (the reads before it are not). */
  inPlanComment: boolean
}

/**
 * Every step, in the order the report shows them whatever order they finish in (the assignment and the variables
 * run at once). Adding a step is adding its record here, and the code that runs it.
 */
const STEPS = {
  'sign-in': { title: 'Sign in to Azure', writes: false, inPlanComment: false },
  read: { title: 'Read the current state', writes: false, inPlanComment: false },
  cache: {
    title: 'Microsoft Entra authentication on the cache',
    blockedTitle: 'Cache is not ready for Microsoft Entra ID',
    writes: true,
    inPlanComment: true
  },
  identity: {
    title: 'Managed identity',
    blockedTitle: 'The app would sign in as another identity',
    writes: true,
    inPlanComment: true
  },
  assignment: {
    title: 'Redis access policy assignment',
    blockedTitle: 'Cannot assign the access policy',
    writes: true,
    inPlanComment: true
  },
  variables: {
    title: variablesTitle,
    blockedTitle: 'Cannot set the variables',
    writes: true,
    inPlanComment: true
  },
  revision: {
    title: 'New revision',
    underWayTitle: 'Revision started before this run',
    writes: true,
    inPlanComment: true
  },
  'access-keys': { title: 'Access keys on the cache', writes: true, inPlanComment: true }
} as const satisfies Record<string, StepDefinition>

export type StepId = keyof typeof STEPS

const ORDER = Object.keys(STEPS)

/** Where a step sorts among the others. */
export function stepRank(id: StepId): number {
  return ORDER.indexOf(id)
}

/** The step's title for an app or a job. */
export function stepTitle(id: StepId, kind: TargetKind = 'app'): string {
  const { title }: StepDefinition = STEPS[id]
  return typeof title === 'string' ? title : title(kind)
}

/** The title of a step that found its work under way, when it has one for that. */
export function underWayTitle(id: StepId): string | undefined {
  const { underWayTitle: title }: StepDefinition = STEPS[id]
  return title
}

/** The title of the failure when the plan finds the step impossible. */
export function blockedTitle(id: Blocker['step']): string {
  return STEPS[id].blockedTitle
}

export function writesToAzure(id: StepId): boolean {
  return STEPS[id].writes
}

export function inPlanComment(id: StepId): boolean {
  return STEPS[id].inPlanComment
}
