// The live test, offline: its scenario through the same entry point as the workflow (npm run test:live) against
// the sandbox, its checks on wrong outputs, and the shape of .github/workflows/live.yml.
import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import yaml from 'js-yaml'
import { repoRoot } from '../../launcher/node24.ts'
import {
  checkConnect,
  checkDisconnect,
  checkHealthConnected,
  checkHealthDisconnected,
  checkRerun,
  checkVerify
} from '../../scripts/live/checks.ts'

const ENTRY = join(repoRoot, 'scripts', 'live', 'main.ts')

/** `npm run test:live -- …args` as the workflow runs it (Node 24 runs the TypeScript entry point natively). */
function testLive(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIVE_')))
  return new Promise(resolve => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      cwd: repoRoot,
      env: { ...inherited, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', c => (out += String(c)))
    child.stderr.on('data', c => (out += String(c)))
    child.on('exit', code => resolve({ code: code ?? 1, out }))
  })
}

const PRINCIPAL = '11111111-2222-3333-4444-555555555555'
const connected = {
  'principal-id': PRINCIPAL,
  'client-id': '',
  'redis-host': 'cache.redis.cache.windows.net',
  'redis-port': '6380',
  'assignment-name': PRINCIPAL,
  revision: 'app--abc1234',
  changed: 'true',
  verified: 'true'
}
const expected = { redisHost: 'cache.redis.cache.windows.net', redisPort: '6380' }

describe('the live scenario against the sandbox (npm run test:live)', () => {
  it('connects, reruns without change, verifies, sees the example app reach Redis as the identity, disconnects', async () => {
    const { code, out } = await testLive([])
    expect(out).toContain('live: health: 200')
    expect(out).toContain('live: every step passed against the sandbox')
    expect(code).toBe(0)
  })
})

describe('the live checks', () => {
  it('accept what a good run answers', () => {
    expect(checkConnect(connected, expected)).toEqual([])
    expect(checkRerun({ ...connected, changed: 'false' }, connected)).toEqual([])
    expect(checkVerify({ ...connected, changed: 'false' }, connected)).toEqual([])
    expect(checkDisconnect({ changed: 'true', verified: 'true' })).toEqual([])
    expect(
      checkHealthConnected({ status: 200, body: { status: 'ok', objectId: PRINCIPAL } }, connected)
    ).toEqual([])
    expect(checkHealthDisconnected({ status: 503, body: { status: 'error' } })).toEqual([])
  })

  it('name what is wrong', () => {
    expect(checkConnect({ ...connected, verified: 'false', 'redis-port': '10000' }, expected)).toEqual([
      'output redis-port is "10000", expected 6380',
      'output verified is "false", expected true'
    ])
    expect(checkRerun({ ...connected, revision: 'app--new' }, connected)).toEqual([
      'output changed is "true", expected false',
      'output revision is "app--new", expected app--abc1234'
    ])
    expect(
      checkHealthConnected({ status: 200, body: { status: 'ok', objectId: 'someone-else' } }, connected)
    ).toEqual([
      `the app signed in to Redis as someone-else, not as the identity the action connected (${PRINCIPAL})`
    ])
    expect(checkHealthDisconnected({ status: 200, body: { status: 'ok' } })).toHaveLength(1)
  })

  it('fail the workflow step through the entry point, naming the output', async () => {
    const bad = await testLive(['check', 'rerun'], {
      ACTION_OUTPUTS: JSON.stringify(connected),
      CONNECT_OUTPUTS: JSON.stringify(connected)
    })
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('live check "rerun" failed')
    expect(bad.out).toContain('output changed is "true", expected false')
    const good = await testLive(['check', 'connect'], {
      ACTION_OUTPUTS: JSON.stringify(connected),
      LIVE_REDIS_HOST: expected.redisHost
    })
    expect(good).toEqual({ code: 0, out: '' })
  })
})

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, string>
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps?: Step[] }>
}

describe('.github/workflows/live.yml', () => {
  const workflow = yaml.load(
    readFileSync(join(repoRoot, '.github', 'workflows', 'live.yml'), 'utf8')
  ) as Workflow
  const steps = workflow.jobs.live?.steps ?? []

  it('runs on demand and nightly, and skips with a notice when no subscription is configured', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch'])
    expect(workflow.jobs['not-configured']?.if).toContain("vars.LIVE_AZURE_CLIENT_ID == ''")
    expect(workflow.jobs.live?.if).toContain("vars.LIVE_AZURE_CLIENT_ID != ''")
    expect(workflow.jobs.live?.permissions).toEqual({ 'id-token': 'write', contents: 'read' })
  })

  it('runs this action (uses: ./) for connect, rerun, verify and disconnect, each followed by its check', () => {
    const action = steps.filter(s => s.uses === './')
    expect(action.map(s => [s.id, s.with?.mode ?? 'apply'])).toEqual([
      ['connect', 'apply'],
      ['rerun', 'apply'],
      ['verify', 'verify'],
      ['disconnect', 'disconnect']
    ])
    for (const s of action) {
      const next = steps[steps.indexOf(s) + 1]
      expect(next?.run).toBe(`npm run test:live -- check ${s.id}`)
    }
    expect(steps.map(s => s.run).filter(r => r?.includes('health'))).toEqual([
      'npm run test:live -- health connected',
      'npm run test:live -- health disconnected'
    ])
  })

  it('always tears down, last', () => {
    const last = steps[steps.length - 1]
    expect(last).toMatchObject({ if: '${{ always() }}', run: 'bash scripts/live/teardown.sh' })
  })
})
