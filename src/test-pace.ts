/**
 * CONNECT_REDIS_TEST_PACE (0 < pace ≤ 1) shrinks the cadence of the long waits so the end-to-end tests can run
 * a 30-minute wait's logic in seconds against the sandbox; anything else leaves the production cadence.
 */
export function testPace(value: string | undefined): number | undefined {
  const pace = Number(value)
  return value && pace > 0 && pace <= 1 ? pace : undefined
}
