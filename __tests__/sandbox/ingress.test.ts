import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDataPlane } from '../../sandbox/data-plane.ts'
import type { DataPlane } from '../../sandbox/data-plane.ts'
import { freePort } from '../../sandbox/free-port.ts'
import { startIngress } from '../../sandbox/ingress.ts'
import type { AppRuntimeView, Ingress } from '../../sandbox/ingress.ts'
import { createTestPki } from '../../sandbox/tls.ts'
import type { TestPki } from '../../sandbox/tls.ts'

const DATA_CONTRIBUTOR = '+@all -@dangerous allkeys'
const DATA_READER = '+@read +@connection allkeys'

describe('ingress health stand-in', () => {
  let dir: string
  let pki: TestPki
  let plane: DataPlane
  let ingress: Ingress
  const apps = new Map<string, AppRuntimeView>()
  const minted: { principalId: string; scope: string }[] = []
  const unknownPrincipals = new Set<string>()

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingress-'))
    pki = await createTestPki(join(dir, 'pki'))
    plane = await startDataPlane({ dir, pki })
    ingress = await startIngress({
      pki,
      describeApp: (rg, app) => apps.get(`${rg}/${app}`),
      // like the sandbox's Entra: every token for the Redis scope is registered with the data plane
      async mintManagedIdentityToken(principalId, scope) {
        minted.push({ principalId, scope })
        if (unknownPrincipals.has(principalId)) throw new Error(`principal ${principalId} not found`)
        const token = `mi-${randomUUID()}`
        await plane.addToken(principalId, token, Date.now() + 3600_000)
        return token
      }
    })
  })
  afterAll(async () => {
    await ingress?.stop()
    await plane?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      get(url, { ca: pki.caCert }, res => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', chunk => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      }).on('error', reject)
    })
  }

  /** An app whose variables point at the data plane, with a system identity unless told otherwise. */
  function addApp(env: Record<string, string> = {}, view: Partial<AppRuntimeView> = {}) {
    const name = `app-${randomUUID().slice(0, 8)}`
    const systemPrincipalId = randomUUID()
    const full: AppRuntimeView = {
      env: {
        REDIS_HOST: plane.host,
        REDIS_PORT: String(plane.port),
        REDIS_OBJECT_ID: systemPrincipalId,
        ...env
      },
      systemPrincipalId,
      userAssigned: [],
      revision: `${name}--abc1234`,
      ...view
    }
    apps.set(`rg/${name}`, full)
    return { url: ingress.url('rg', name), view: full, systemPrincipalId }
  }

  it('answers 200 connected when the identity has an assignment, using the Redis scope', async () => {
    const { url, view, systemPrincipalId } = addApp()
    await plane.setUser(systemPrincipalId, DATA_CONTRIBUTOR)
    expect(url).toMatch(/^https:\/\/localhost:\d+\/rg\/app-[\w-]+\/healthz$/)
    const res = await health(url)
    expect(res).toEqual({
      status: 200,
      body: { status: 'connected', revision: view.revision, objectId: systemPrincipalId }
    })
    expect(minted.at(-1)).toEqual({
      principalId: systemPrincipalId,
      scope: 'https://redis.azure.com/.default'
    })
  })

  it('answers 503 WRONGPASS when the identity has no assignment', async () => {
    const { url } = addApp()
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body).toEqual({ status: 'not-connected', reason: expect.stringMatching(/WRONGPASS/) })
  })

  it('answers 503 NOPERM for a Data Reader, which cannot SET', async () => {
    const { url, systemPrincipalId } = addApp()
    await plane.setUser(systemPrincipalId, DATA_READER)
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toMatch(/NOPERM/)
  })

  it('uses the user-assigned identity named by AZURE_CLIENT_ID', async () => {
    const uami = { clientId: randomUUID(), principalId: randomUUID() }
    const { url } = addApp(
      { AZURE_CLIENT_ID: uami.clientId, REDIS_OBJECT_ID: uami.principalId },
      { userAssigned: [{ clientId: randomUUID(), principalId: randomUUID() }, uami] }
    )
    await plane.setUser(uami.principalId, DATA_CONTRIBUTOR)
    const res = await health(url)
    expect(res.status).toBe(200)
    expect(res.body.objectId).toBe(uami.principalId)
    expect(minted.at(-1)?.principalId).toBe(uami.principalId)
  })

  it('answers WRONGPASS when REDIS_OBJECT_ID holds the client id instead of the object id', async () => {
    const uami = { clientId: randomUUID(), principalId: randomUUID() }
    const { url } = addApp(
      { AZURE_CLIENT_ID: uami.clientId, REDIS_OBJECT_ID: uami.clientId },
      { userAssigned: [uami] }
    )
    await plane.setUser(uami.principalId, DATA_CONTRIBUTOR)
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toMatch(/WRONGPASS/)
  })

  it('answers 503 when AZURE_CLIENT_ID names no identity of the app, or there is no system identity', async () => {
    const a = addApp({ AZURE_CLIENT_ID: 'not-assigned' })
    expect((await health(a.url)).body.reason).toMatch(/no user-assigned identity with client id not-assigned/)
    const b = addApp({}, { systemPrincipalId: undefined })
    const res = await health(b.url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toMatch(/no system-assigned identity/)
  })

  it('answers 503 naming the missing variables (secretRef entries never reach the view)', async () => {
    const { url } = addApp({ REDIS_HOST: '', REDIS_OBJECT_ID: '' })
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toBe('app variable(s) not set: REDIS_HOST, REDIS_OBJECT_ID')
  })

  it('answers 503 when the token cannot be minted', async () => {
    const { url, systemPrincipalId } = addApp()
    unknownPrincipals.add(systemPrincipalId)
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toMatch(/managed identity token: principal .* not found/)
  })

  it('answers 503 when nothing listens on REDIS_PORT', async () => {
    const { url, systemPrincipalId } = addApp({ REDIS_PORT: String(await freePort()) })
    await plane.setUser(systemPrincipalId, DATA_CONTRIBUTOR)
    const started = Date.now()
    const res = await health(url)
    expect(res.status).toBe(503)
    expect(res.body.reason).toMatch(/ECONNREFUSED/)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('answers 503 when REDIS_PORT is not a number', async () => {
    const { url } = addApp({ REDIS_PORT: 'six' })
    expect((await health(url)).body.reason).toBe('REDIS_PORT is not a port: six')
  })

  it('answers 404 for an unknown app or route', async () => {
    const res = await health(ingress.url('rg', 'nope'))
    expect(res).toEqual({
      status: 404,
      body: { status: 'not-connected', reason: 'container app rg/nope not found' }
    })
    const base = new URL(ingress.url('rg', 'nope')).origin
    expect((await health(`${base}/elsewhere`)).status).toBe(404)
  })

  it('reads the variables under the names the action was told to use', async () => {
    const custom = await startIngress({
      pki,
      describeApp: (rg, app) => apps.get(`${rg}/${app}`),
      mintManagedIdentityToken: async principalId => {
        const token = `mi-${randomUUID()}`
        await plane.addToken(principalId, token, Date.now() + 3600_000)
        return token
      },
      variables: { host: 'CACHE_HOST', port: 'CACHE_PORT', objectId: 'CACHE_USER', clientId: 'MI_CLIENT_ID' }
    })
    try {
      const uami = { clientId: randomUUID(), principalId: randomUUID() }
      const name = `custom-${randomUUID().slice(0, 8)}`
      apps.set(`rg/${name}`, {
        env: {
          CACHE_HOST: plane.host,
          CACHE_PORT: String(plane.port),
          CACHE_USER: uami.principalId,
          MI_CLIENT_ID: uami.clientId
        },
        userAssigned: [uami]
      })
      await plane.setUser(uami.principalId, DATA_CONTRIBUTOR)
      const res = await health(custom.url('rg', name))
      expect(res).toEqual({ status: 200, body: { status: 'connected', objectId: uami.principalId } })
    } finally {
      await custom.stop()
    }
  })
})
