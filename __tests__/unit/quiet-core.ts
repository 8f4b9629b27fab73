// @actions/core for unit tests, with what the code under test logs kept out of the test output. Jest's ES module
// mocks apply to modules imported after them: call quietCore() first, then import those modules dynamically.
import { jest } from '@jest/globals'

export async function quietCore(): Promise<{ log: string[] }> {
  const actual = await import('@actions/core')
  const log: string[] = []
  const keep = (message: string | Error): void => void log.push(String(message))
  jest.unstable_mockModule('@actions/core', () => ({
    ...actual,
    debug: keep,
    info: keep,
    notice: keep,
    warning: keep,
    error: keep,
    setSecret: () => undefined
  }))
  return { log }
}
