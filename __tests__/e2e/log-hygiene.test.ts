// Remote text (Azure, Entra, GitHub) reaches the log escaped: an answer cannot inject workflow commands.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, stopWorlds } from '../../launcher/world.ts'

afterEach(stopWorlds)

describe('remote text in the log', () => {
  it('a hostile GitHub OIDC error answer cannot inject workflow commands through the sign-in retry log', async () => {
    const world = await startWorld()
    const hostile =
      'temporarily unavailable\n::add-mask::REDIS_HOST\n::stop-commands::pwned\n::error title=Fake::all good\r::warning::x'
    world.sandbox.faults.add({
      method: 'GET',
      path: /idtoken/,
      kind: 'status',
      status: 500,
      message: hostile
    })
    const run = await world.run()
    expect(run.exitCode).toBe(0)
    // The retry was logged, on one line, with the remote text escaped.
    const retryLine = run.stdout.split('\n').find(l => l.includes('Could not get the GitHub OIDC token'))
    expect(retryLine).toBeDefined()
    expect(retryLine).toContain('temporarily unavailable')
    // Nothing the answer carried became a command.
    expect(run.masks).not.toContain('REDIS_HOST')
    expect(run.commands.some(c => c.command === 'stop-commands')).toBe(false)
    expect(run.errors.some(e => e.properties.title === 'Fake')).toBe(false)
    expect(run.warnings.some(w => w.message === 'x')).toBe(false)
    // No line of the log starts a command the action did not write itself.
    const injected = run.stdout
      .split(/\r?\n|\r/)
      .map(l => l.trimStart())
      .filter(l => /^::(add-mask|stop-commands)::(REDIS_HOST|pwned)/.test(l))
    expect(injected).toEqual([])
  })
})
