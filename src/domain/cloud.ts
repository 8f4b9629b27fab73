export type CloudName = 'azurecloud' | 'azureusgovernment' | 'azurechinacloud'

export interface Cloud {
  name: CloudName
  resourceManagerEndpoint: string
  /** Token scope for ARM; kept when the endpoint is overridden (emulators, Azure Stack Hub keep the audience). */
  resourceManagerScope: string
  authorityHost: string
  oidcAudience: string
  portal: string
  /** Entra scope of Azure Cache for Redis data-plane tokens; the same app in every cloud. */
  redisScope: string
}

const REDIS_SCOPE = 'https://redis.azure.com/.default'

const CLOUDS: Record<CloudName, Omit<Cloud, 'name'>> = {
  azurecloud: {
    resourceManagerEndpoint: 'https://management.azure.com',
    resourceManagerScope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
    oidcAudience: 'api://AzureADTokenExchange',
    portal: 'https://portal.azure.com',
    redisScope: REDIS_SCOPE
  },
  azureusgovernment: {
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    resourceManagerScope: 'https://management.usgovcloudapi.net/.default',
    authorityHost: 'https://login.microsoftonline.us',
    oidcAudience: 'api://AzureADTokenExchangeUSGov',
    portal: 'https://portal.azure.us',
    redisScope: REDIS_SCOPE
  },
  azurechinacloud: {
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    resourceManagerScope: 'https://management.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
    oidcAudience: 'api://AzureADTokenExchangeChina',
    portal: 'https://portal.azure.cn',
    redisScope: REDIS_SCOPE
  }
}

export const KNOWN_AUTHORITY_HOSTS = new Set(Object.values(CLOUDS).map(c => c.authorityHost))

export function resolveCloud(
  name: CloudName,
  overrides: { resourceManagerEndpoint?: string; authorityHost?: string; audience?: string } = {}
): Cloud {
  const base = CLOUDS[name]
  return {
    ...base,
    name,
    resourceManagerEndpoint: overrides.resourceManagerEndpoint ?? base.resourceManagerEndpoint,
    authorityHost: overrides.authorityHost ?? base.authorityHost,
    oidcAudience: overrides.audience ?? base.oidcAudience
  }
}
