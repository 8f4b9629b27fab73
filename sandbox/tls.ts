import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TestPki {
  /** PEM of the throwaway CA: give it to clients through NODE_EXTRA_CA_CERTS. */
  caCertPath: string
  caCert: string
  /** The CA's private key, for issuing more server certificates (issueServerCertificate). */
  caKeyPath: string
  /** Server certificate for localhost / 127.0.0.1 / ::1, signed by the CA. */
  certPath: string
  keyPath: string
  cert: string
  key: string
}

export interface ServerCertificate {
  certPath: string
  keyPath: string
  cert: string
  key: string
}

async function openssl(dir: string, ...args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new Error('the sandbox needs the openssl command: apt-get install openssl')
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`)
  }
}

/**
 * Makes a throwaway certificate authority and a localhost server certificate with the openssl CLI.
 * Node can make key pairs but not X.509 certificates, and a hand-written DER encoder is worse than a
 * dependency on the openssl binary that every Debian machine has.
 */
export async function createTestPki(dir: string): Promise<TestPki> {
  await mkdir(dir, { recursive: true })
  const p = (name: string): string => join(dir, name)
  await openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=connect-redis sandbox CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  )
  const ca = { caCertPath: p('ca.pem'), caKeyPath: p('ca.key') }
  const server = await issueServerCertificate(ca, dir, 'server', 'DNS:localhost,IP:127.0.0.1,IP:::1')
  return { ...ca, caCert: await readFile(ca.caCertPath, 'utf8'), ...server }
}

/** A server certificate (also good as a TLS client certificate) for `subjectAltName`, signed by the CA. */
export async function issueServerCertificate(
  ca: Pick<TestPki, 'caCertPath' | 'caKeyPath'>,
  dir: string,
  name: string,
  subjectAltName: string
): Promise<ServerCertificate> {
  await mkdir(dir, { recursive: true })
  const p = (suffix: string): string => join(dir, `${name}.${suffix}`)
  await openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    p('key'),
    '-out',
    p('csr'),
    '-subj',
    '/CN=localhost'
  )
  const ext = `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`
  await writeFile(p('ext'), ext)
  await openssl(
    dir,
    'x509',
    '-req',
    '-in',
    p('csr'),
    '-CA',
    ca.caCertPath,
    '-CAkey',
    ca.caKeyPath,
    '-CAcreateserial',
    '-out',
    p('pem'),
    '-days',
    '2',
    '-extfile',
    p('ext')
  )
  return {
    certPath: p('pem'),
    keyPath: p('key'),
    cert: await readFile(p('pem'), 'utf8'),
    key: await readFile(p('key'), 'utf8')
  }
}
