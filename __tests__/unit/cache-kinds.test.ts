// What the steps ask of a cache comes from each kind's own fields: a classic cache's RedisResource as Azure
// answered, a Managed Redis cluster's and database's properties. Nothing is invented for the kind that lacks it.
import { describe, expect, it } from '@jest/globals'
import {
  CACHE_KINDS,
  cacheFacts,
  cacheResourceId,
  type ClassicCacheState,
  type ManagedRedisState
} from '../../src/domain/cache.js'

const address = { subscriptionId: 'sub', resourceGroup: 'rg-data', name: 'orders' }

const classic = (properties: Partial<ClassicCacheState['cache']>): ClassicCacheState => ({
  kind: 'redis',
  id: cacheResourceId(address, 'redis'),
  ...address,
  cache: { location: 'westeurope', sku: { name: 'Standard', family: 'C', capacity: 1 }, ...properties },
  policies: [],
  assignments: []
})

const managed: ManagedRedisState = {
  kind: 'managed-redis',
  id: cacheResourceId(address, 'managed-redis'),
  ...address,
  databaseId: `${cacheResourceId(address, 'managed-redis')}/databases/default`,
  clusteringPolicy: 'EnterpriseCluster',
  hostName: 'orders.westeurope.redis.azure.net',
  port: 10000,
  accessKeysAuthentication: 'Disabled',
  provisioningState: 'Succeeded',
  policies: [{ name: 'default' }],
  assignments: []
}

describe('cacheFacts', () => {
  it('reads a classic cache from its RedisResource: host, sslPort, aad-enabled as set, access keys', () => {
    const on = classic({
      hostName: 'orders.redis.cache.windows.net',
      sslPort: 6380,
      redisConfiguration: { aadEnabled: 'True' },
      disableAccessKeyAuthentication: true,
      provisioningState: 'Succeeded'
    })
    expect(cacheFacts(on)).toEqual({
      hostName: 'orders.redis.cache.windows.net',
      port: 6380,
      entraOn: true,
      entraSetting: 'redisConfiguration aad-enabled = True',
      accessKeysOff: true,
      provisioningState: 'Succeeded'
    })
    expect(cacheFacts(classic({}))).toMatchObject({
      entraOn: false,
      entraSetting: 'redisConfiguration aad-enabled = unset',
      accessKeysOff: false
    })
  })

  it('reads Managed Redis from the cluster and the database, and says Entra is on without a classic setting', () => {
    expect(cacheFacts(managed)).toEqual({
      hostName: 'orders.westeurope.redis.azure.net',
      port: 10000,
      entraOn: true,
      entraSetting: 'Azure Managed Redis always accepts Microsoft Entra ID',
      accessKeysOff: true,
      provisioningState: 'Succeeded',
      clusteringPolicy: 'EnterpriseCluster'
    })
    expect(cacheFacts({ ...managed, accessKeysAuthentication: 'Enabled' }).accessKeysOff).toBe(false)
  })
})

describe('CACHE_KINDS', () => {
  it('names each resource type', () => {
    expect(cacheResourceId(address, 'redis')).toBe(
      '/subscriptions/sub/resourceGroups/rg-data/providers/Microsoft.Cache/redis/orders'
    )
    expect(cacheResourceId(address, 'managed-redis')).toBe(
      '/subscriptions/sub/resourceGroups/rg-data/providers/Microsoft.Cache/redisEnterprise/orders'
    )
  })

  it('maps Data Contributor to Managed Redis’s one policy and names assignments without hyphens there', () => {
    const oid = '00000000-0000-0000-0000-0000000000a1'
    expect(CACHE_KINDS.redis.policyFor('Data Contributor')).toBe('Data Contributor')
    expect(CACHE_KINDS['managed-redis'].policyFor('data contributor')).toBe('default')
    expect(CACHE_KINDS['managed-redis'].policyFor('Data Reader')).toBe('Data Reader')
    expect(CACHE_KINDS.redis.defaultAssignmentName(oid)).toBeUndefined()
    expect(CACHE_KINDS['managed-redis'].defaultAssignmentName(oid)).toBe('000000000000000000000000000000a1')
    expect(CACHE_KINDS.redis.assignmentName).toBeUndefined()
    expect(CACHE_KINDS['managed-redis'].assignmentName?.pattern.test('with-hyphen')).toBe(false)
  })
})
