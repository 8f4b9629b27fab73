import { createRequire } from 'node:module'

// How src/ becomes dist/: the esbuild configurations for `npm run package` (scripts/build.mjs) and for the
// check that dist/ is what it should be (scripts/check-dist.mjs).

/**
 * Imports left unresolved on purpose, each on a code path the action never takes; bundling them would ship
 * dead code. `open` (with its `xdg-open` shell script) is @azure/identity's interactive browser sign-in;
 * `@node-rs/xxhash` is @redis/client's optional `digest()` helper; `@opentelemetry/api` its optional metrics.
 * Each may only be reached lazily (a dynamic import or a require() inside a function): the build fails if
 * one becomes a static import, which would break start-up.
 */
export const UNBUNDLED = ['open', '@node-rs/xxhash', '@opentelemetry/api']

/** Budgets for what the action ships, in bytes. */
export const BUDGET = { dist: 2_000_000, mainFile: 1_500_000 }

/**
 * Packages that the bundle imports at start-up for a code path most runs never take. Each goes to a CommonJS file
 * of its own under dist/chunks/, and every import of it resolves to a small loader that requires that file on
 * first use. The loader exports only what the bundled packages import; an import of anything else fails the
 * build ("No matching export"), so a new use cannot go unnoticed.
 * - undici (400 KB): @actions/http-client imports it for its proxy dispatcher, which only the pull request
 *   comment (through @actions/github's fetch) uses.
 * - jsonwebtoken (with jws and semver, 60 KB, whose regular expressions are built as it loads): @azure/msal-node
 *   signs a client assertion with it when the credential is a certificate; the action's assertion is the
 *   GitHub OIDC token, which is never signed here.
 */
const LAZY_PACKAGES = [
  {
    name: 'undici',
    file: 'chunks/undici.cjs',
    exports: `
export class ProxyAgent {
  constructor(options) {
    return new (load().ProxyAgent)(options)
  }
}
export function fetch(input, init) {
  return load().fetch(input, init)
}`
  },
  {
    name: 'jsonwebtoken',
    file: 'chunks/jsonwebtoken.cjs',
    exports: `
export default {
  sign(...args) {
    return load().sign(...args)
  }
}`
  }
]

const resolvePackage = createRequire(import.meta.url).resolve

const lazyLoader = ({ file, exports }) => `
import { createRequire as requireFrom } from 'node:module'
let loaded
function load() {
  // The loader lands in dist/index.js or in a chunk under dist/chunks/.
  const here = import.meta.url
  loaded ??= requireFrom(here)(here.includes('/chunks/') ? './${file.replace('chunks/', '')}' : './${file}')
  return loaded
}
${exports}
`

const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    for (const pkg of LAZY_PACKAGES) {
      build.onResolve({ filter: new RegExp(`^${pkg.name}$`) }, () => ({
        path: pkg.name,
        namespace: 'lazy-packages'
      }))
    }
    build.onLoad({ filter: /.*/, namespace: 'lazy-packages' }, args => ({
      contents: lazyLoader(LAZY_PACKAGES.find(p => p.name === args.path)),
      loader: 'js'
    }))
  }
}

/**
 * An ESM import of `node:http` makes Node fill the module's namespace by reading every export, and three of them
 * (WebSocket, CloseEvent, MessageEvent) are getters that load Node's internal undici, with zlib, http2 and
 * worker_threads: about a fifth of the start-up. The bundle takes `http` through require() instead, which reads
 * only what is used. The exports are listed: an import of anything else fails the build.
 */
const HTTP_BY_REQUIRE = `
const http = require('node:http')
export default http
export const { Agent, ClientRequest, IncomingMessage, METHODS, OutgoingMessage, STATUS_CODES, Server,
  ServerResponse, createServer, get, globalAgent, maxHeaderSize, request, validateHeaderName,
  validateHeaderValue } = http
`

const httpByRequire = {
  name: 'http-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, args =>
      args.kind === 'import-statement' ? { path: 'http', namespace: 'http-by-require' } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'http-by-require' }, () => ({
      contents: HTTP_BY_REQUIRE,
      loader: 'js'
    }))
  }
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  minify: true,
  treeShaking: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning'
}

/**
 * The builds: the action, as minified, tree-shaken ESM for Node 24, split so that the Redis client and the
 * pull request comment load only in the runs that use them; and each lazy package, as the CommonJS file its
 * loader requires.
 */
export function bundleBuilds() {
  return [
    {
      ...common,
      entryPoints: ['src/index.ts'],
      outdir: 'dist',
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      external: UNBUNDLED,
      plugins: [lazyPackages, httpByRequire],
      // Node's global FormData is a getter that loads its internal undici (a fifth of the start-up), and the
      // Azure pipeline reads it on every request to ask whether the body is a FormData. No body of the action
      // ever is one (ARM and Entra take JSON and URL-encoded strings), so the answer is settled at build time.
      define: { FormData: 'undefined' },
      // CommonJS packages inside an ESM bundle call require() for Node's built-ins.
      banner: { js: "import{createRequire as __cjs}from'node:module';const require=__cjs(import.meta.url);" }
    },
    ...LAZY_PACKAGES.map(pkg => ({
      ...common,
      entryPoints: [resolvePackage(pkg.name)],
      outfile: `dist/${pkg.file}`,
      format: 'cjs'
    }))
  ]
}
/** Static imports of an unbundled package, which would make start-up fail where it is not installed. */
export function eagerUnbundledImports(metafile) {
  const found = []
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imported of output.imports ?? []) {
      if (imported.external && UNBUNDLED.includes(imported.path) && imported.kind === 'import-statement')
        found.push(`${file} imports ${imported.path}`)
    }
  }
  return found
}
