// Where world.run() runs the action: its run() in this process, unless the run needs a process of its own, which
// then runs the bundle as the runner does.
import { afterEach, describe, expect, it } from '@jest/globals'
import { needsProcess, startWorld, stopWorlds } from '../../launcher/world.ts'

afterEach(stopWorlds)

describe('needsProcess', () => {
  it.each([
    ['nothing special', {}],
    ['HTTPS_PROXY, read when the pipeline is made', { env: { HTTPS_PROXY: 'http://proxy:3128' } }],
    ['RUNNER_DEBUG, read when the action logs', { env: { RUNNER_DEBUG: '1' } }]
  ])('runs in this process for %s', (_name, o) => {
    expect(needsProcess({ inputs: {}, ...o })).toBeUndefined()
  })

  it.each([
    ['the bundle asked for', { bundle: true }],
    ['another build', { actionDir: '/elsewhere' }],
    ['resource usage', { measureResources: true }],
    ['NODE_OPTIONS', { env: { NODE_OPTIONS: '--max-old-space-size=64' } }],
    ['NODE_USE_ENV_PROXY', { env: { NODE_USE_ENV_PROXY: '1' } }],
    ['NO_PROXY', { env: { NO_PROXY: 'localhost' } }],
    ['auth: azure-cli', { inputs: { auth: 'azure-cli' } }]
  ])('runs the bundle for %s', (_name, o) => {
    expect(needsProcess({ inputs: {}, ...o })).toEqual(expect.any(String))
  })
})

describe('world.run', () => {
  it('runs in this process and gives its environment back; a second run at the same time runs the bundle', async () => {
    const world = await startWorld()
    const before = { ...process.env }
    const [here, bundle] = await Promise.all([world.run({ mode: 'plan' }), world.run({ mode: 'plan' })])
    expect([here.ranAs, bundle.ranAs]).toEqual(['in-process', 'bundle'])
    expect(process.env).toEqual(before)
    // The same run either way: exit code, steps, outputs, log line and summary.
    for (const run of [here, bundle]) {
      expect(run.exitCode).toBe(0)
      expect(run.stdout).toContain('Plan: orders-api → orders-cache (3 steps would change)')
      expect(run.summary).toContain('Plan: ')
    }
    const steps = (run: typeof here) => run.result.steps.map(s => [s.id, s.status])
    expect(steps(here)).toEqual(steps(bundle))
    expect(here.outputs['redis-host']).toBe(bundle.outputs['redis-host'])
  })
})
