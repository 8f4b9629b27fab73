// Test hooks: an action that runs right after the sandbox has answered a matching request. A test uses one to act
// as another pipeline would in the middle of a run (a deploy, an identity attached) at a moment it chooses: after
// the run's first read of the app, say, and before its first write. The action runs synchronously after the
// answer is sent, so the client cannot send its next request before the change is made.
import { matchesRequest } from './faults.ts'

export interface HookSpec {
  method?: string
  /** a string matches when the request path (without query) contains it */
  path: RegExp | string
  /** how many matching answers run the action (default 1) */
  times?: number
}

export interface Hook {
  /** how many times the action has run */
  readonly fired: number
  /** what the action threw (or its promise rejected with), if it failed */
  readonly error: unknown
}

export interface Hooks {
  /** Runs `action` right after a matching request has been answered; `times` (default 1) answers, then it is spent. */
  onRequest(match: HookSpec, action: () => unknown): Hook
}

export interface HookRunner extends Hooks {
  /** Runs the actions of the hooks a just-answered request matches. */
  answered(method: string, path: string): void
  clear(): void
}

export function createHooks(): HookRunner {
  type Registered = { spec: HookSpec; action: () => unknown; left: number; fired: number; error: unknown }
  const hooks: Registered[] = []
  return {
    onRequest(spec, action) {
      const hook: Registered = { spec, action, left: spec.times ?? 1, fired: 0, error: undefined }
      hooks.push(hook)
      return {
        get fired() {
          return hook.fired
        },
        get error() {
          return hook.error
        }
      }
    },
    answered(method, path) {
      for (const hook of hooks.filter(h => h.left > 0 && matchesRequest(h.spec, method, path))) {
        hook.left--
        hook.fired++
        try {
          Promise.resolve(hook.action()).catch(error => (hook.error = error))
        } catch (error) {
          hook.error = error
        }
      }
    },
    clear() {
      hooks.length = 0
    }
  }
}
