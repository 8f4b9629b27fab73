import type { Container, EnvironmentVar } from '@azure/arm-appcontainers'
import { isRecord } from '../azure/check-answer.js'
import type { ArmContainer } from '../read/target.js'

const sameVariable = (read: Record<string, unknown>, planned: EnvironmentVar): boolean =>
  read.name === planned.name && read.value === planned.value && read.secretRef === planned.secretRef

/**
 * The containers a template PATCH sends: each as Azure answered it — every property, whether the SDK's model knows
 * it or not — with the variables the plan made. A variable the plan left as it was goes back as Azure answered it
 * too. `planned` comes from the same read as `asRead`, container for container.
 */
export function containersToWrite(asRead: ArmContainer[], planned: Container[]): ArmContainer[] {
  return planned.map((container, index) => {
    const read = asRead[index]
    if (!read || read.name !== container.name) return { ...container }
    const readEnv = Array.isArray(read.env) ? read.env.filter(isRecord) : []
    const env = (container.env ?? []).map(
      variable => readEnv.find(candidate => sameVariable(candidate, variable)) ?? { ...variable }
    )
    // A container without variables that gets none keeps having no env property at all.
    if (read.env === undefined && env.length === 0) return read
    return { ...read, env }
  })
}
