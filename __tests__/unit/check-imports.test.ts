import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Writes a tree of .ts files and runs `npm run lint:imports` on it. */
function check(tree: Record<string, string>): { status: number | null; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'check-imports-'))
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), text)
  }
  const run = spawnSync(process.execPath, ['scripts/check-imports.mjs', root], { encoding: 'utf8' })
  return { status: run.status, out: `${run.stdout}${run.stderr}`.replaceAll(`${root}: `, '') }
}

const clean = {
  'domain/target.ts': 'export interface Target { name: string }\nexport const kind = (t: Target) => t.name\n',
  'read/read.ts': "import type { Target } from '../domain/target.js'\nexport const read = (t: Target) => t\n",
  'plan/plan.ts':
    "import { read } from '../read/read.js'\nimport { kind } from '../domain/target.js'\nexport { read, kind }\n",
  'main.ts':
    "import { read } from './read/read.js'\nimport * as plan from './plan/plan.js'\nexport { read, plan }\n"
}

describe('lint:imports', () => {
  it('passes a tree whose folders import one way', () => {
    const { status, out } = check(clean)
    expect(out).toMatch(/4 files in 4 folders; no import cycles/)
    expect(status).toBe(0)
  })

  it('fails on a cycle of files, type imports and import() included, and names it', () => {
    const { status, out } = check({
      ...clean,
      'read/a.ts': "import type { B } from './b.js'\nexport type A = B\n",
      'read/b.ts': "export type B = string\nexport const c = () => import('./c.js')\n",
      'read/c.ts': "import type { A } from './a.js'\nexport type C = A\n"
    })
    expect(out).toContain('import cycle: read/a.ts → read/b.ts → read/c.ts → read/a.ts')
    expect(status).toBe(1)
  })

  it('fails on two folders that import each other, with every edge between them', () => {
    const { status, out } = check({
      ...clean,
      'read/read.ts': "import type { Plan } from '../plan/types.js'\nexport const read = (p: Plan) => p\n",
      'plan/types.ts': 'export type Plan = string\n'
    })
    expect(out).toContain('folders import each other: plan, read (plan → read → plan)')
    expect(out).toContain('plan/plan.ts → read/read.ts')
    expect(out).toContain('read/read.ts → plan/types.ts')
    expect(out).not.toContain('import cycle')
    expect(status).toBe(1)
  })

  it('fails on a longer ring of folders, a file at the top counting as a folder', () => {
    const { status, out } = check({
      ...clean,
      'read/read.ts': "import { ctx } from '../context.js'\nexport const read = () => ctx\n",
      'context.ts': "import { plan } from './plan/more.js'\nexport const ctx = plan\n",
      'plan/more.ts':
        "import type { Target } from '../domain/target.js'\nexport const plan = (t: Target) => t\n"
    })
    expect(out).toMatch(/folders import each other: context\.ts, plan, read \(/)
    expect(status).toBe(1)
  })

  it('fails when domain/ imports a stage', () => {
    const { status, out } = check({
      ...clean,
      'domain/ids.ts': "import { kind } from '../inputs/kind.js'\nexport const id = kind\n",
      'inputs/kind.ts': "export const kind = 'app'\n"
    })
    expect(out).toContain('domain/ imports a stage: domain/ids.ts → inputs/kind.ts')
    expect(status).toBe(1)
  })

  it('passes src/ as it is', () => {
    const run = spawnSync(process.execPath, ['scripts/check-imports.mjs'], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})
