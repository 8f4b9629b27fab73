import { describe, expect, it } from '@jest/globals'
import { RESOURCE_GROUP } from '../../src/inputs/rules.js'

describe('resource group names (Learn: 1–90 letters or digits of any script, _ - . ( ), not ending in .)', () => {
  it.each(['rg-apps', 'rg_1', 'rg.(prod)', 'rg-café', 'キャッシュ', 'देव', 'Ωmega-rg', 'a'.repeat(90)])(
    'accepts %j',
    name => expect(RESOURCE_GROUP.test(name)).toBe(true)
  )
  it.each(['', '..', '.', 'rg.', 'rg?x', 'rg#x', 'rg/x', 'rg%2e', 'rg x', 'rg\n', 'a'.repeat(91), 'rg😀'])(
    'refuses %j',
    name => expect(RESOURCE_GROUP.test(name)).toBe(false)
  )
})
