// Azure naming rules, from the resource providers' specifications and the Azure naming-rules page.

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Resource group: 1–90 letters or digits (of any script), underscores, hyphens, periods and parentheses, not ending
 * in a period (Learn, "Naming rules and restrictions for Azure resources", Microsoft.Resources/resourcegroups). The
 * REST API's pattern is ^[-\w\._\(\)]+$ (Learn, Resource Groups - Create Or Update), a .NET \w: Unicode letters,
 * nonspacing marks, decimal digits and connector punctuation. Nothing else: "/", "?", "#" and "%" would change the
 * request's URL, and "." or ".." alone end in a period.
 */
export const RESOURCE_GROUP = /^[-\p{L}\p{Mn}\p{Nd}\p{Pc}.()]{0,89}[-\p{L}\p{Mn}\p{Nd}\p{Pc}()]$/u
export const RESOURCE_GROUP_RULE =
  '1–90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period'

/** Container app: 2–32 lower-case letters, digits and hyphens; starts with a letter, ends alphanumeric, no "--". */
export const CONTAINER_APP = /^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$/

/** Azure Cache for Redis: 1–63 letters, digits and hyphens; starts and ends alphanumeric, no "--". */
export const REDIS_CACHE = /^(?!.*--)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/

/** Access policy names allow inner spaces ("Data Owner"); up to 63 characters. */
export const ACCESS_POLICY = /^([a-zA-Z0-9][a-zA-Z0-9- ]{0,61}[a-zA-Z0-9]|[a-zA-Z0-9])$/

/** Access policy assignment: 3–63 letters, digits and inner hyphens (a GUID is valid). */
export const ASSIGNMENT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/

/** Container names: lower-case letters, digits and inner hyphens, up to 63 characters. */
export const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/** Container Apps environment variable names. */
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]{0,254}$/

/** User-assigned identity names: 3–128 letters, digits, hyphens and underscores, starting alphanumeric. */
export const IDENTITY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/

export const USER_ASSIGNED_IDENTITY_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i

/** A container app or a Container Apps job, by resource ID: subscription, resource group, type and name. */
export const CONTAINER_APP_OR_JOB_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/(containerApps|jobs)\/([^/]+)$/i

/** A cache given by resource ID: Azure Cache for Redis (redis) or Azure Managed Redis (redisEnterprise). */
export const CACHE_RESOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/(redis|redisEnterprise)\/([^/]+)$/i
