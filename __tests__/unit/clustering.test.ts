// What the action says and does about an OSS-clustered Azure Managed Redis, apart from the sandbox.
import { describe, expect, it } from '@jest/globals'
import { isOssCluster } from '../../src/azure/managed-redis.js'
import { RunReport } from '../../src/report/run-report.js'
import { usageSnippets } from '../../src/report/usage-snippets.js'
import { explainProbeFailure } from '../../src/verify/probe-redis.js'

function reportWith(clusteringPolicy: string | undefined): RunReport {
  const report = new RunReport()
  report.variableNames = {
    host: 'REDIS_HOST',
    port: 'REDIS_PORT',
    objectId: 'REDIS_OBJECT_ID',
    clientId: 'AZURE_CLIENT_ID',
    usesClientId: true
  }
  report.clusteringPolicy = clusteringPolicy
  return report
}

describe('clustering policy', () => {
  it('only OSSCluster (any casing: Azure strings are case-insensitive) needs a cluster client', () => {
    expect(isOssCluster('OSSCluster')).toBe(true)
    expect(isOssCluster('osscluster')).toBe(true)
    expect(isOssCluster('EnterpriseCluster')).toBe(false)
    expect(isOssCluster('NoCluster')).toBe(false)
    expect(isOssCluster(undefined)).toBe(false)
  })

  it("snippets use each language's cluster client for OSSCluster, plain clients otherwise (a classic cache too)", () => {
    const cluster = usageSnippets(reportWith('OSSCluster'))
      .map(s => `${s.language}\n${s.code}`)
      .join('\n')
    expect(cluster).toContain("import { createCluster } from 'redis'")
    expect(cluster).toContain('credentialsProvider: provider,')
    expect(cluster).toContain('managedIdentityClientId: process.env.AZURE_CLIENT_ID')
    expect(cluster).toContain('client = RedisCluster(')
    expect(cluster).not.toMatch(/createClient|redis\.Redis\(/)
    for (const policy of ['EnterpriseCluster', undefined]) {
      const plain = usageSnippets(reportWith(policy))
        .map(s => s.code)
        .join('\n')
      expect(plain).toContain('createClient({')
      expect(plain).toContain('client = redis.Redis(')
      expect(plain).not.toMatch(/createCluster|RedisCluster|OSS clustering/)
    }
  })

  it('a probe failure on an OSS cluster names the shard ports; MOVED and a non-cluster endpoint are told apart', () => {
    const network = explainProbeFailure('connect ETIMEDOUT 10.0.0.5:8501', 'oid', { ossCluster: true })
    expect(network.evidence).toContain('could not reach every shard')
    expect(network.fix).toContain('8500-8599')
    expect(explainProbeFailure('connect ETIMEDOUT', 'oid').fix).not.toContain('8500')
    expect(explainProbeFailure('MOVED 3999 10.0.0.5:8501', 'oid').fix).toContain('cluster-aware client')
    expect(
      explainProbeFailure('ERR This instance has cluster support disabled', 'oid', { ossCluster: true })
        .evidence
    ).toContain('not a Redis Cluster')
    expect(
      explainProbeFailure('WRONGPASS invalid username-password pair', 'oid', { ossCluster: true }).fix
    ).toContain('access policy assignment')
  })
})
