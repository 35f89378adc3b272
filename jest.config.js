/** Jest in ESM mode with ts-jest; type checking is done by `npm run typecheck`, not per test file. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Rebuilds the shipped bundle when src/ is newer: no test runs stale code.
  globalSetup: '<rootDir>/test/build-freshness.js',
  testTimeout: 60000,
  maxWorkers: 2,
  // Coverage of what runs in-process (the unit tier); the CLI subprocess tiers are not instrumented.
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
