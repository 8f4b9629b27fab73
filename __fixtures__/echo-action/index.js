// Launcher fixture: reports inputs and environment through outputs, workflow commands, the summary, GITHUB_ENV
// and GITHUB_PATH, with nothing but process.env (no @actions/core).
import { appendFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

const env = process.env
const append = (file, text) => appendFileSync(env[file], text)
const input = name => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''

append('GITHUB_OUTPUT', `greeting=${input('greeting')}, ${input('who')}!\n`)
append('GITHUB_OUTPUT', 'story<<EOF_1\nonce upon a time\nname=not-an-output\n\nthe end\nEOF_1\n')
const inputs = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('INPUT_')))
append('GITHUB_OUTPUT', `inputs=${JSON.stringify(inputs)}\n`)
append(
  'GITHUB_OUTPUT',
  `oidc=${env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''}|${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}\n`
)
const seen = [
  'GITHUB_ACTIONS',
  'CI',
  'RUNNER_OS',
  'RUNNER_TEMP',
  'GITHUB_WORKSPACE',
  'GITHUB_REPOSITORY',
  'CALLER'
]
append('GITHUB_OUTPUT', `env=${JSON.stringify(Object.fromEntries(seen.map(k => [k, env[k]])))}\n`)
append('GITHUB_OUTPUT', `node-options=${env.NODE_OPTIONS ?? '(unset)'}\n`)
append('GITHUB_OUTPUT', `cwd=${process.cwd()}\n`)
append('GITHUB_OUTPUT', `node-version=${process.versions.node}\n`)

console.log('plain output line')
console.log('::set-output name=legacy::from stdout')
console.log('::add-mask::s3cr3t')
console.log('::debug::a debug line')
console.log('::group::Details')
console.log('::error title=Bad%2C really,file=src/a.ts,line=3,col=7::two%0Alines and 100%25')
console.log('::warning::careful: it%3A stays')
console.log('::notice title=FYI::noted')
console.log('::endgroup::')
console.log('::stop-commands::pause-token')
console.log('::error::not a command while stopped')
console.log('::pause-token::')
console.log('::notice::after resume')

append('GITHUB_STEP_SUMMARY', `# Echo\n\n${input('greeting')}, ${input('who')}\n`)
append('GITHUB_ENV', 'ECHOED=yes\nMULTI<<END\na\nb\nEND\n')
append('GITHUB_PATH', '/opt/echo/bin\n')

await sleep(Number(input('sleep-ms')))
process.exit(Number(input('exit-code')))
