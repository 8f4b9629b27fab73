import { describe, expect, it } from '@jest/globals'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { createTestPki } from '../sandbox/tls.ts'

describe('sandbox PKI', () => {
  it('issues a localhost certificate signed by a throwaway CA', async () => {
    const pki = await createTestPki(await mkdtemp(join(tmpdir(), 'pki-')))
    const ca = new X509Certificate(pki.caCert)
    const leaf = new X509Certificate(pki.cert)
    expect(leaf.verify(ca.publicKey)).toBe(true)
    expect(leaf.checkHost('localhost')).toBe('localhost')
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1')
    expect(ca.ca).toBe(true)
  })
})
