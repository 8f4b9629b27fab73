// How src/ becomes dist/: one esbuild configuration for `npm run package` (scripts/build.mjs) and for the
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

/** esbuild options: minified, tree-shaken ESM for Node 24, split so that the Redis client and the pull
 *  request comment are loaded only by the runs that use them. */
export function bundleOptions() {
  return {
    entryPoints: ['src/index.ts'],
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    treeShaking: true,
    legalComments: 'none',
    external: UNBUNDLED,
    // CommonJS packages inside an ESM bundle call require() for Node's built-ins.
    banner: { js: "import{createRequire}from'node:module';const require=createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'warning'
  }
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
