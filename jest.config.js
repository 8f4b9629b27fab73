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
  // With --coverage (the README's test command): the lines of src/ that the tests run, the end-to-end tests
  // included, as they run the action's run() in this process (launcher/in-process.ts). V8's coverage, as
  // Babel's instrumentation does not apply to ES modules run by ts-jest.
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  // What the suite reached when the end-to-end tests moved into the test process (94.8 %): a fall below it is a
  // path of src/ that no test runs any more.
  coverageThreshold: { global: { lines: 94 } },
  testTimeout: 120000,
  maxWorkers: 2
}
