// End to end, through the bundle: the packages dist/ keeps in files of their own (scripts/bundle-options.mjs,
// LAZY_PACKAGES) are loaded only by the runs that use them, so start-up does not pay for them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pullRequestEvent } from '../../launcher/runner-env.ts'
import { startWorld, type World } from '../../launcher/world.ts'
import { startGitHubApi, type GitHubApi } from '../../sandbox/github-api.ts'

let dir: string
let preload: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lazy-packages-'))
  preload = join(dir, 'record-requires.mjs')
  // Every require() of a .cjs file, which is how the loaders reach dist/chunks/*.cjs.
  await writeFile(
    preload,
    [
      "import Module from 'node:module'",
      "import { appendFileSync } from 'node:fs'",
      'const load = Module._load',
      'Module._load = function (request, ...rest) {',
      "  if (request.endsWith('.cjs')) appendFileSync(process.env.RECORD_REQUIRES, request + '\\n')",
      '  return load.call(this, request, ...rest)',
      '}'
    ].join('\n')
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** The file names of the .cjs files the run required, in order. */
async function requiredChunks(record: string): Promise<(string | undefined)[]> {
  const text = await readFile(record, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map(request => request.split('/').pop())
}

function recording(name: string): { record: string; env: Record<string, string> } {
  const record = join(dir, `${name}.txt`)
  return {
    record,
    env: { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`, RECORD_REQUIRES: record }
  }
}

describe('lazy packages in the bundle', () => {
  it('a run that signs in with OIDC and connects the app loads neither undici nor jsonwebtoken', async () => {
    const world: World = await startWorld()
    try {
      const { record, env } = recording('connect')
      const run = await world.run({}, { bundle: true, env })
      expect(run.ranAs).toBe('bundle')
      expect(run.result.succeeded).toBe(true)
      expect(run.outputs.verified).toBe('true')
      expect(await requiredChunks(record)).toEqual([])
    } finally {
      await world.stop()
    }
  })

  it('a plan run that comments on a pull request loads undici through its loader', async () => {
    const github: GitHubApi = await startGitHubApi()
    const world: World = await startWorld()
    try {
      const caBundle = join(dir, 'ca.pem')
      await writeFile(caBundle, `${world.sandbox.caCert}\n${github.caCert}`)
      const { record, env } = recording('comment')
      const run = await world.run(
        { mode: 'plan', 'github-token': github.token },
        {
          bundle: true,
          event: pullRequestEvent(7),
          env: { ...env, GITHUB_API_URL: github.apiUrl, NODE_EXTRA_CA_CERTS: caBundle }
        }
      )
      expect(run.result.succeeded).toBe(true)
      expect(github.requestLog.some(e => e.method === 'POST' && e.path.endsWith('/issues/7/comments'))).toBe(
        true
      )
      expect(await requiredChunks(record)).toEqual(['undici.cjs'])
    } finally {
      await world.stop()
      await github.stop()
    }
  })
})
