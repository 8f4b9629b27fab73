import type { ReadyPlan } from '../plan/plan-connection.js'
import { repeatedNameWarnings } from '../plan/variables-plan.js'
import { WORKLOADS } from '../domain/target.js'
import type { RunReport } from './run-report.js'

/** `mode: plan`: each step as it would change, and nothing else. */
export function recordPlan(report: RunReport, planned: ReadyPlan): void {
  const { identity, assignment, variables } = planned
  report.step({
    id: 'identity',
    status: identity.change === 'add' ? 'planned' : 'unchanged',
    before: identity.before,
    after: identity.after
  })
  report.step({
    id: 'assignment',
    status: assignment.action === 'unchanged' ? 'unchanged' : 'planned',
    before: assignment.before,
    after: assignment.after
  })
  report.variablesSet.push(...variables.changes)
  report.warnings.push(...repeatedNameWarnings(variables.changes))
  report.step({
    id: 'variables',
    status: variables.changes.length ? 'planned' : 'unchanged',
    detail: variables.changes.length
      ? `${variables.changes.length} to set in ${variables.selected.join(', ')}`
      : `all set in ${variables.selected.join(', ')}`,
    ...(variables.changes.length
      ? {
          before: `${variables.changes.length} missing or different`,
          after: WORKLOADS[report.target?.kind ?? 'app'].hasRevisions
            ? 'set; makes a new revision'
            : 'set in the job template (the next execution uses it)'
        }
      : {})
  })
}
