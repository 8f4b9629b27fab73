/**
 * The api-version of every resource provider the action calls: one GA version that AzureCloud, AzureUSGovernment
 * and AzureChinaCloud all serve. The SDKs' own defaults run ahead of the clouds (@azure/arm-appcontainers 4.0.0
 * sends 2026-07-01, while Azure's own list for Microsoft.App ended at 2026-01-01 in April 2026), and a version
 * a cloud does not serve fails every request with 400 NoRegisteredProviderFound. Sovereign clouds lag furthest,
 * so each pin is the newest GA version of the lists in sandbox/SPEC.md ("api-versions per cloud") that still has
 * everything the action uses.
 */
export const API_VERSIONS = {
  /** Microsoft.App (containerApps, revisions, jobs): jobs PATCH, revision running states. */
  containerApps: '2024-03-01',
  /** Microsoft.Cache/redis: access policies and assignments, aad-enabled, disableAccessKeyAuthentication. */
  redis: '2024-03-01',
  /** Microsoft.Cache/redisEnterprise (Azure Managed Redis): the first GA version with access policy assignments. */
  managedRedis: '2025-04-01',
  /** Microsoft.ManagedIdentity/userAssignedIdentities: principalId and clientId are all the action reads. */
  managedIdentity: '2018-11-30'
} as const
