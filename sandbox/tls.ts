import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface TestPki {
  /** PEM of the throwaway CA: give it to clients through NODE_EXTRA_CA_CERTS. */
  caCertPath: string
  caCert: string
  /** Server certificate for localhost / 127.0.0.1 / ::1, signed by the CA. */
  certPath: string
  keyPath: string
  cert: string
  key: string
}

/**
 * Makes a throwaway certificate authority and a localhost server certificate with the openssl CLI.
 * Node can make key pairs but not X.509 certificates, and a hand-written DER encoder is worse than a
 * dependency on the openssl binary that every Debian machine has.
 */
export async function createTestPki(dir: string): Promise<TestPki> {
  await mkdir(dir, { recursive: true })
  const p = (name: string): string => join(dir, name)
  const openssl = async (...args: string[]): Promise<void> => {
    try {
      await run('openssl', args, { cwd: dir })
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string }
      if (e.code === 'ENOENT')
        throw new Error('the sandbox needs the openssl command: apt-get install openssl')
      throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`)
    }
  }
  await openssl(
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
  await openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    '-subj',
    '/CN=localhost'
  )
  const ext =
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n'
  await writeFile(p('server.ext'), ext)
  await openssl(
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.pem'),
    '-days',
    '2',
    '-extfile',
    p('server.ext')
  )
  return {
    caCertPath: p('ca.pem'),
    caCert: await readFile(p('ca.pem'), 'utf8'),
    certPath: p('server.pem'),
    keyPath: p('server.key'),
    cert: await readFile(p('server.pem'), 'utf8'),
    key: await readFile(p('server.key'), 'utf8')
  }
}
