// RS256 JSON Web Tokens with node:crypto: enough to sign GitHub OIDC and Entra tokens and to verify them.
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto'
import type { JsonWebKey, KeyObject } from 'node:crypto'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

export type JwtClaims = Record<string, unknown>

export interface DecodedJwt {
  header: { alg?: string; kid?: string; typ?: string }
  payload: JwtClaims
  signingInput: string
  signature: Buffer
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid: randomUUID().replaceAll('-', '').slice(0, 16), privateKey, publicKey }
}

export function publicJwk(key: SigningKey): JsonWebKey {
  return {
    ...createPublicKey(key.publicKey).export({ format: 'jwk' }),
    kid: key.kid,
    use: 'sig',
    alg: 'RS256'
  }
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

export function signJwt(payload: JwtClaims, key: SigningKey): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid }
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey)
  return `${signingInput}.${b64url(signature)}`
}

/** Parses a compact JWT without checking anything; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as DecodedJwt['header']
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims
    if (typeof payload !== 'object' || payload === null) return undefined
    return {
      header,
      payload,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url')
    }
  } catch {
    return undefined
  }
}

export function hasValidSignature(jwt: DecodedJwt, key: SigningKey): boolean {
  if (jwt.header.alg !== 'RS256') return false
  return verify('sha256', Buffer.from(jwt.signingInput), key.publicKey, jwt.signature)
}
