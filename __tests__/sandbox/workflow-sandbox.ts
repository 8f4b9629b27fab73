// A sandbox for ARM tests (no data plane) and one ARM client signed in as a fresh workflow identity.
import { ContainerAppsAPIClient } from '@azure/arm-appcontainers'
import type { TokenCredential } from '@azure/identity'
import { startSandbox } from '../../sandbox/index.ts'
import type { Sandbox } from '../../sandbox/index.ts'
import { modularOptions, workflowCredential } from './helpers.ts'

export async function startWorkflowSandbox<C>(
  makeClient: (credential: TokenCredential, subscriptionId: string, sandbox: Sandbox) => C
): Promise<{ sandbox: Sandbox; client: C }> {
  const sandbox = await startSandbox({ dataPlane: false })
  const { clientId } = sandbox.addWorkflowIdentity()
  return {
    sandbox,
    client: makeClient(workflowCredential(sandbox, clientId), sandbox.subscriptionId, sandbox)
  }
}

/** The Container Apps client (apps and jobs) for startWorkflowSandbox. */
export const containerAppsClient = (
  credential: TokenCredential,
  subscriptionId: string,
  sandbox: Sandbox
): ContainerAppsAPIClient => new ContainerAppsAPIClient(credential, subscriptionId, modularOptions(sandbox))
