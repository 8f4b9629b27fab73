// What the live test asserts after each step of the action, the same against Azure (in .github/workflows/live.yml)
// and against the sandbox (sandbox-run.ts): each check returns the problems it found, none when the step did
// what it should.

export type Outputs = Record<string, string | undefined>

export interface Expected {
  /** the cache's host name, as provisioned */
  redisHost: string
  /** the cache's TLS port (6380 for Azure Cache for Redis) */
  redisPort: string
}

export interface HealthAnswer {
  status: number
  body: { status?: string; objectId?: string; error?: string }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function expectOutput(problems: string[], outputs: Outputs, name: string, wanted: string | RegExp): void {
  const got = outputs[name]
  const ok = typeof wanted === 'string' ? got === wanted : got !== undefined && wanted.test(got)
  if (!ok) problems.push(`output ${name} is ${JSON.stringify(got)}, expected ${String(wanted)}`)
}

/** The first run connects the app: a new identity, its assignment (named after it), the variables, a revision. */
export function checkConnect(outputs: Outputs, expected: Expected): string[] {
  const problems: string[] = []
  expectOutput(problems, outputs, 'principal-id', GUID)
  expectOutput(problems, outputs, 'client-id', '')
  expectOutput(problems, outputs, 'redis-host', expected.redisHost)
  expectOutput(problems, outputs, 'redis-port', expected.redisPort)
  expectOutput(problems, outputs, 'assignment-name', outputs['principal-id'] ?? 'the principal id')
  expectOutput(problems, outputs, 'revision', /\S/)
  expectOutput(problems, outputs, 'changed', 'true')
  expectOutput(problems, outputs, 'verified', 'true')
  return problems
}

/** A rerun finds everything in place: it changes nothing and verifies the same identity and revision. */
export function checkRerun(outputs: Outputs, connect: Outputs): string[] {
  const problems: string[] = []
  expectOutput(problems, outputs, 'changed', 'false')
  expectOutput(problems, outputs, 'verified', 'true')
  expectOutput(problems, outputs, 'principal-id', connect['principal-id'] ?? 'the connect run’s principal id')
  expectOutput(problems, outputs, 'revision', connect.revision ?? 'the connect run’s revision')
  return problems
}

/** mode: verify writes nothing and passes every check (with the app's health URL among them). */
export function checkVerify(outputs: Outputs, connect: Outputs): string[] {
  const problems: string[] = []
  expectOutput(problems, outputs, 'changed', 'false')
  expectOutput(problems, outputs, 'verified', 'true')
  expectOutput(problems, outputs, 'principal-id', connect['principal-id'] ?? 'the connect run’s principal id')
  return problems
}

/** mode: disconnect removes the assignment and the variables, and proves they are gone. */
export function checkDisconnect(outputs: Outputs): string[] {
  const problems: string[] = []
  expectOutput(problems, outputs, 'changed', 'true')
  expectOutput(problems, outputs, 'verified', 'true')
  return problems
}

/** The app itself, signing in with its own managed identity, wrote and read a key: as the identity connected. */
export function checkHealthConnected(answer: HealthAnswer, connect: Outputs): string[] {
  const problems: string[] = []
  if (answer.status !== 200 || answer.body.status !== 'ok')
    problems.push(
      `health answered ${answer.status} ${JSON.stringify(answer.body)}, expected 200 {status: "ok"}`
    )
  if (answer.body.objectId !== connect['principal-id'])
    problems.push(
      `the app signed in to Redis as ${answer.body.objectId ?? 'nobody'}, not as the identity the action connected (${connect['principal-id']})`
    )
  return problems
}

/** After disconnect the app no longer reaches Redis. */
export function checkHealthDisconnected(answer: HealthAnswer): string[] {
  return answer.status === 200
    ? [`health still answers 200 ${JSON.stringify(answer.body)} after disconnect`]
    : []
}

export class LiveCheckFailed extends Error {
  constructor(step: string, problems: string[]) {
    super(`live check "${step}" failed:\n- ${problems.join('\n- ')}`)
    this.name = 'LiveCheckFailed'
  }
}

export function must(step: string, problems: string[]): void {
  if (problems.length) throw new LiveCheckFailed(step, problems)
}
