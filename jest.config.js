// ESM jest with ts-jest, as in actions/typescript-action. Type checking is done by `npm run typecheck`,
// so tests are transpiled in isolation for speed.
export default {
  preset: 'ts-jest/presets/default-esm',
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', useESM: true, diagnostics: false }]
  },
  reporters: ['default', '<rootDir>/scripts/plain-summary-reporter.js'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/dist/', '/node_modules/'],
  clearMocks: true,
  testTimeout: 120000,
  maxWorkers: 2
}
