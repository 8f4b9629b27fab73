// The Redis client, in a module of its own that probe-redis imports only when it probes, so that other runs
// never load it. An ES module re-export, because the bundle's lazy chunk of a CommonJS package (as
// @redis/client is) exposes only its default export, not the named ones.
export { createClient, createCluster } from '@redis/client'
