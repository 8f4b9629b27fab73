import type { StepId } from './steps.js'

export type StepStatus = 'created' | 'updated' | 'unchanged' | 'planned' | 'failed' | 'skipped' | 'done'
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'warning'

export interface StepRecord {
  id: StepId
  title: string
  status: StepStatus
  before?: string
  after?: string
  detail?: string
  durationMs?: number
  /** For failures: the cause and how to fix it. */
  error?: string
  fix?: string
}

export interface CheckRecord {
  id: string
  title: string
  status: CheckStatus
  evidence: string
  fix?: string
}
