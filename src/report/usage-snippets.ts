import { isOssCluster } from '../azure/managed-redis.js'
import type { RunReport } from './run-report.js'

export interface UsageSnippet {
  /** What the code uses, for the reader: "Python (redis-py + azure-identity)". */
  language: string
  /** The info string of its fenced code block, which GitHub highlights by. */
  lang: 'js' | 'python' | 'csharp'
  code: string
}

/** Short client code for each language, reading the variable names this run set. An OSS-clustered Managed Redis
 *  database needs each language's cluster client. */
export function usageSnippets(report: RunReport): UsageSnippet[] {
  const v = report.variableNames
  if (!v) return []
  const cluster = isOssCluster(report.clusteringPolicy)
  const nodeProvider = [
    "import { DefaultAzureCredential } from '@azure/identity'",
    "import { EntraIdCredentialsProviderFactory, REDIS_SCOPE_DEFAULT } from '@redis/entraid'",
    '',
    'const provider = EntraIdCredentialsProviderFactory.createForDefaultAzureCredential({',
    v.usesClientId
      ? `  credential: new DefaultAzureCredential({ managedIdentityClientId: process.env.${v.clientId} }),`
      : '  credential: new DefaultAzureCredential(),',
    '  scopes: REDIS_SCOPE_DEFAULT,',
    '  tokenManagerConfig: { expirationRefreshRatio: 0.8 }',
    '})'
  ]
  const node = (
    cluster
      ? [
          "import { createCluster } from 'redis'",
          ...nodeProvider,
          '// OSS clustering: a cluster client, signed in on every shard (it also reaches the shard ports 8500-8599)',
          'const client = createCluster({',
          `  rootNodes: [{ socket: { host: process.env.${v.host}, port: Number(process.env.${v.port}) } }],`,
          '  defaults: {',
          '    credentialsProvider: provider,',
          "    // the shards announce IP addresses: check each one's certificate against the cache's host name",
          `    socket: { tls: true, servername: process.env.${v.host} }`,
          '  }',
          '})'
        ]
      : [
          "import { createClient } from 'redis'",
          ...nodeProvider,
          'const client = createClient({',
          `  socket: { host: process.env.${v.host}, port: Number(process.env.${v.port}), tls: true },`,
          '  credentialsProvider: provider',
          '})'
        ]
  )
    .concat('await client.connect()')
    .join('\n')
  const python = [
    cluster ? 'import os\nfrom redis.cluster import RedisCluster' : 'import os, redis',
    'from azure.identity import DefaultAzureCredential',
    '',
    v.usesClientId
      ? `credential = DefaultAzureCredential(managed_identity_client_id=os.environ["${v.clientId}"])`
      : 'credential = DefaultAzureCredential()',
    'token = credential.get_token("https://redis.azure.com/.default")',
    ...(cluster
      ? ['# OSS clustering: a cluster client, signed in on every shard', 'client = RedisCluster(']
      : ['client = redis.Redis(']),
    `    host=os.environ["${v.host}"], port=int(os.environ["${v.port}"]), ssl=True,`,
    `    username=os.environ["${v.objectId}"],  # the object id, not the client id`,
    '    password=token.token,  # refresh before token.expires_on and AUTH again',
    ')',
    'client.ping()'
  ].join('\n')
  const dotnet = [
    'using Azure.Identity;',
    'using StackExchange.Redis;',
    '',
    `var options = ConfigurationOptions.Parse($"{Environment.GetEnvironmentVariable("${v.host}")}:{Environment.GetEnvironmentVariable("${v.port}")}");`,
    'options.Ssl = true;',
    v.usesClientId
      ? `await options.ConfigureForAzureWithUserAssignedManagedIdentityAsync(Environment.GetEnvironmentVariable("${v.clientId}"));`
      : 'await options.ConfigureForAzureWithSystemAssignedManagedIdentityAsync();',
    ...(cluster
      ? [
          '// OSS clustering: StackExchange.Redis discovers the shards and follows MOVED by itself (ports 8500-8599 too)'
        ]
      : []),
    'var redis = await ConnectionMultiplexer.ConnectAsync(options); // Microsoft.Azure.StackExchangeRedis refreshes tokens'
  ].join('\n')
  return [
    {
      language: `Node.js (redis${cluster ? ' createCluster' : ''} + @redis/entraid)`,
      lang: 'js',
      code: node
    },
    {
      language: `Python (redis-py${cluster ? ' RedisCluster' : ''} + azure-identity)`,
      lang: 'python',
      code: python
    },
    { language: '.NET (Microsoft.Azure.StackExchangeRedis)', lang: 'csharp', code: dotnet }
  ]
}
