// npm run test:live [-- <command>]
//   (none)                            the whole live scenario against the local sandbox (part of npm test)
//   check <connect|rerun|verify|disconnect>
//                                     in .github/workflows/live.yml, after each `uses: ./` step: checks the step's
//                                     outputs (ACTION_OUTPUTS, toJSON of them) against CONNECT_OUTPUTS / LIVE_REDIS_HOST
//   health <connected|disconnected>   in the live workflow: GET LIVE_HEALTH_URL (the example app's /healthz) until it
//                                     answers as expected or LIVE_HEALTH_TIMEOUT_S (default 600) runs out
import {
  checkConnect,
  checkDisconnect,
  checkHealthConnected,
  checkHealthDisconnected,
  checkRerun,
  checkVerify,
  LiveCheckFailed,
  must
} from './checks.ts'
import type { HealthAnswer, Outputs } from './checks.ts'
import { runLiveAgainstSandbox } from './sandbox-run.ts'

const log = (line: string): void => console.log(line)

function outputsFrom(name: string): Outputs {
  const text = process.env[name]
  if (!text) throw new Error(`${name} is not set (toJSON of the step's outputs)`)
  return JSON.parse(text) as Outputs
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

function check(step: string | undefined): void {
  const outputs = outputsFrom('ACTION_OUTPUTS')
  switch (step) {
    case 'connect':
      return must(step, checkConnect(outputs, { redisHost: required('LIVE_REDIS_HOST'), redisPort: '6380' }))
    case 'rerun':
      return must(step, checkRerun(outputs, outputsFrom('CONNECT_OUTPUTS')))
    case 'verify':
      return must(step, checkVerify(outputs, outputsFrom('CONNECT_OUTPUTS')))
    case 'disconnect':
      return must(step, checkDisconnect(outputs))
    default:
      throw new Error(`unknown step ${JSON.stringify(step)}: use connect, rerun, verify or disconnect`)
  }
}

async function askHealth(url: string): Promise<HealthAnswer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) })
    const text = await res.text()
    let body: HealthAnswer['body'] = {}
    try {
      body = JSON.parse(text) as HealthAnswer['body']
    } catch {
      body = { error: text.slice(0, 200) }
    }
    return { status: res.status, body }
  } catch (error) {
    return { status: 0, body: { error: String(error) } }
  }
}

/** A new revision takes a minute or two to serve, and a new principal a while to reach Redis: retry until it holds. */
async function health(expect: string | undefined): Promise<void> {
  if (expect !== 'connected' && expect !== 'disconnected')
    throw new Error(`unknown expectation ${JSON.stringify(expect)}: use connected or disconnected`)
  const url = required('LIVE_HEALTH_URL')
  const judge = (answer: HealthAnswer): string[] =>
    expect === 'connected'
      ? checkHealthConnected(answer, outputsFrom('CONNECT_OUTPUTS'))
      : checkHealthDisconnected(answer)
  const deadline = Date.now() + Number(process.env.LIVE_HEALTH_TIMEOUT_S ?? 600) * 1000
  for (;;) {
    const answer = await askHealth(url)
    const problems = judge(answer)
    log(`live: ${url}: ${answer.status} ${JSON.stringify(answer.body)}`)
    if (!problems.length) return
    if (Date.now() > deadline) return must(`health ${expect}`, problems)
    await new Promise(resolve => setTimeout(resolve, 10_000))
  }
}

const [command, arg] = process.argv.slice(2)
try {
  if (command === 'check') check(arg)
  else if (command === 'health') await health(arg)
  else if (command === undefined) {
    await runLiveAgainstSandbox(log)
    log('live: every step passed against the sandbox')
  } else throw new Error(`unknown command ${JSON.stringify(command)}: use check, health, or none (sandbox)`)
} catch (error) {
  console.error(
    error instanceof LiveCheckFailed
      ? error.message
      : `live: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exitCode = 1
}
