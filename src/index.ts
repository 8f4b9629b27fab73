import { run } from './main.js'
import { testPace } from './test-pace.js'

process.exitCode = await run({ pace: testPace(process.env.CONNECT_REDIS_TEST_PACE) })
// Whatever the stopped run left behind (a request that takes no abort signal, a socket) must not keep the step
// alive: the outputs and the summary are written.
process.exit()
