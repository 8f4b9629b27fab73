// The live scenario against the sandbox: the same steps and checks as .github/workflows/live.yml runs against a
// real subscription — connect, a rerun that changes nothing, verify (with the app's health URL), the app's own
// health (examples/redis-entra-app signing in with the app's identity), disconnect — through the bundled action.
import { APP, APP_RG, CACHE, CACHE_RG, startWorld } from '../../launcher/world.ts'
import {
  checkConnect,
  checkDisconnect,
  checkHealthConnected,
  checkHealthDisconnected,
  checkRerun,
  checkVerify,
  must
} from './checks.ts'
import { exampleAppHealth } from './example-app.ts'

const CONTAINER = 'app'

export async function runLiveAgainstSandbox(log: (line: string) => void): Promise<void> {
  // As provisioned in Azure (scripts/live/provision.sh): the example image, a registry password secret, ingress.
  const world = await startWorld({
    bundle: true,
    app: {
      containers: [{ name: CONTAINER, image: 'liveacr.azurecr.io/redis-entra-app:live' }],
      secrets: [{ name: 'liveacrazurecrio-liveacr', value: 'registry-password' }],
      registries: [
        { server: 'liveacr.azurecr.io', username: 'liveacr', passwordSecretRef: 'liveacrazurecrio-liveacr' }
      ],
      ingress: { external: true, targetPort: 8080 }
    }
  })
  try {
    const { sandbox } = world
    const cache = sandbox.getCache(CACHE_RG, CACHE)
    const expected = {
      redisHost: String(cache.properties.hostName),
      redisPort: String(cache.properties.sslPort)
    }
    const step = async (name: string, inputs: Record<string, string>) => {
      const run = await world.run({ 'access-policy': 'Data Contributor', ...inputs })
      if (run.exitCode !== 0)
        throw new Error(`step ${name}: the action failed: ${run.result.failure?.message ?? run.stderr}`)
      log(`live: ${name}: changed=${run.outputs.changed} verified=${run.outputs.verified}`)
      return run.outputs
    }

    const connect = await step('connect', {})
    must('connect', checkConnect(connect, expected))
    must('rerun', checkRerun(await step('rerun', {}), connect))
    must(
      'verify',
      checkVerify(
        await step('verify', { mode: 'verify', 'health-url': sandbox.healthUrl(APP_RG, APP) }),
        connect
      )
    )
    const health = await exampleAppHealth(sandbox, APP_RG, APP, CONTAINER)
    log(`live: health: ${health.status} ${JSON.stringify(health.body)}`)
    must('health', checkHealthConnected(health, connect))
    must('disconnect', checkDisconnect(await step('disconnect', { mode: 'disconnect' })))
    const after = await exampleAppHealth(sandbox, APP_RG, APP, CONTAINER)
    log(`live: health after disconnect: ${after.status} ${JSON.stringify(after.body)}`)
    must('health after disconnect', checkHealthDisconnected(after))
    // The registry secret came through every step as it went in.
    const secrets = sandbox.getContainerApp(APP_RG, APP).properties.configuration.secrets
    if (
      JSON.stringify(secrets) !==
      JSON.stringify([{ name: 'liveacrazurecrio-liveacr', value: 'registry-password' }])
    )
      throw new Error(
        `the app's secrets changed (names now: ${JSON.stringify(secrets?.map((x: { name?: string }) => x.name))})`
      )
  } finally {
    await world.stop()
  }
}
