import type { AzureClients } from '../azure/clients.js'
import type { IdentityChoice } from '../inputs/types.js'
import { checkAnswer, readAnswer, type Expectation } from '../azure/check-answer.js'

export interface UserIdentity {
  id: string
  principalId: string
  clientId: string
}

/** Reads the user-assigned identity the app should use, and checks that the answer is that identity. */
export async function readUserIdentity(
  clients: AzureClients,
  identity: Extract<IdentityChoice, { kind: 'user' }>,
  o: { abortSignal?: AbortSignal }
): Promise<UserIdentity> {
  const expected: Expectation = {
    what: `user-assigned identity ${identity.name}`,
    id: identity.resourceId,
    name: identity.name,
    fields: [
      ['properties.principalId', 'text'],
      ['properties.clientId', 'text']
    ]
  }
  const { value, answer } = await readAnswer(expected, onResponse =>
    clients
      .identitiesIn(identity.subscriptionId)
      .userAssignedIdentities.get(identity.resourceGroup, identity.name, { ...o, onResponse })
  )
  checkAnswer(answer, expected)
  return { id: identity.resourceId, principalId: value.principalId ?? '', clientId: value.clientId ?? '' }
}
