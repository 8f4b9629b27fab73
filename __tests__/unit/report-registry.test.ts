// The outputs are computed from what the stages returned, in one place; the steps and the modes are one record each.
import { describe, expect, it } from '@jest/globals'
import { MODE_NAMES, MODES } from '../../src/domain/mode.js'
import { appOutputs } from '../../src/report/app-outputs.js'
import { RunReport } from '../../src/report/run-report.js'
import { blockedTitle, stepRank, stepTitle, writesToAzure } from '../../src/report/steps.js'
import { mayHaveWritten } from '../../src/report/verdict.js'

const read = {
  host: 'orders.redis.cache.windows.net',
  port: '6380',
  revision: 'orders-api--r1',
  principalId: 'planned-principal',
  clientId: 'planned-client'
}
const neither = { changed: false, verified: false }

describe('appOutputs', () => {
  it('reports what the read found when nothing else ran', () => {
    expect(appOutputs({ read }, neither)).toEqual({
      'principal-id': 'planned-principal',
      'client-id': 'planned-client',
      'redis-host': 'orders.redis.cache.windows.net',
      'redis-port': '6380',
      'assignment-name': '',
      revision: 'orders-api--r1',
      changed: false,
      verified: false
    })
  })

  it("takes the apply's identity once known, with its client id even when it has none", () => {
    const outputs = appOutputs(
      { read, apply: { principal: { principalId: 'made-principal' }, assignmentName: 'made' } },
      neither
    )
    expect(outputs).toMatchObject({
      'principal-id': 'made-principal',
      'client-id': '',
      'assignment-name': 'made'
    })
    // An apply that stopped before the identity was known leaves the read's.
    expect(appOutputs({ read, apply: {} }, neither)['principal-id']).toBe('planned-principal')
  })

  it("names the identity whose connection a disconnect removes, even none, and the plan's assignment", () => {
    expect(appOutputs({ read, disconnect: {} }, neither)['principal-id']).toBe('')
    expect(appOutputs({ read, disconnect: { principalId: 'gone' } }, neither)['principal-id']).toBe('gone')
    expect(appOutputs({ read, plan: { assignmentName: 'would-be' } }, neither)['assignment-name']).toBe(
      'would-be'
    )
  })

  it('reports the latest ready revision a later stage read', () => {
    expect(appOutputs({ read, revision: 'orders-api--r2' }, neither).revision).toBe('orders-api--r2')
    expect(appOutputs({}, neither)).toMatchObject({ 'redis-host': '', revision: '' })
  })
})

describe('RunReport outputs', () => {
  it('changed comes from the steps; verified needs checks, none failed, and a run that succeeded', () => {
    const report = new RunReport()
    report.results.read = read
    expect(report.outputs).toMatchObject({ changed: false, verified: false })
    report.step({ id: 'identity', status: 'unchanged' })
    expect(report.outputs.changed).toBe(false)
    report.step({ id: 'assignment', status: 'created' })
    expect(report.outputs.changed).toBe(true)
    report.check({ id: 'aad', title: 'Entra on', status: 'passed', evidence: 'aad-enabled' })
    expect(report.outputs.verified).toBe(true)
    report.check({ id: 'probe-redis', title: 'Probe', status: 'skipped', evidence: 'not asked' })
    expect(report.outputs.verified).toBe(true)
    report.fail('Timed out', 'the deadline passed')
    expect(report.outputs.verified).toBe(false)
    expect(report.toJSON()).toMatchObject({ mode: 'unknown', outputs: { changed: true, verified: false } })
  })

  it('a failed check is never verified', () => {
    const report = new RunReport()
    report.check({ id: 'assignment', title: 'Assigned', status: 'failed', evidence: 'none' })
    expect(report.verified).toBe(false)
  })
})

describe('the step registry', () => {
  it('titles steps by the workload kind where they differ, and sorts them in its order', () => {
    expect(stepTitle('variables', 'job')).toBe('Job variables')
    expect(stepTitle('variables')).toBe('App variables')
    const report = new RunReport()
    report.target = {
      app: 'nightly',
      kind: 'job',
      resourceGroup: 'rg',
      cache: 'c',
      cacheResourceGroup: 'rg',
      subscriptionId: 's'
    }
    report.step({ id: 'variables', status: 'updated' })
    report.step({ id: 'sign-in', status: 'done' })
    report.step({ id: 'identity', status: 'unchanged' })
    expect(report.steps.map(s => [s.id, s.title])).toEqual([
      ['sign-in', 'Sign in to Azure'],
      ['identity', 'Managed identity'],
      ['variables', 'Job variables']
    ])
    expect(stepRank('cache')).toBeLessThan(stepRank('identity'))
    expect(stepRank('revision')).toBeLessThan(stepRank('access-keys'))
  })

  it('says which steps write: a failed read wrote nothing, a failed write may have', () => {
    expect(writesToAzure('sign-in')).toBe(false)
    expect(writesToAzure('read')).toBe(false)
    expect(writesToAzure('assignment')).toBe(true)
    const report = new RunReport()
    report.step({ id: 'sign-in', status: 'failed' })
    expect(mayHaveWritten(report)).toBe(false)
    report.step({ id: 'variables', status: 'failed' })
    expect(mayHaveWritten(report)).toBe(true)
    expect(blockedTitle('cache')).toBe('Cache is not ready for Microsoft Entra ID')
  })
})

describe('the mode records', () => {
  it('has one for every mode the input takes, and only apply turns Entra on or takes disable-access-keys', () => {
    expect([...MODE_NAMES].sort()).toEqual(Object.keys(MODES).sort())
    expect(MODE_NAMES.filter(m => MODES[m].entraAuth === 'turn-on')).toEqual(['apply'])
    expect(MODE_NAMES.filter(m => MODES[m].ownInputs.includes('disable-access-keys'))).toEqual(['apply'])
    expect(MODE_NAMES.filter(m => MODES[m].commentsOnPullRequest)).toEqual(['plan'])
  })
})
