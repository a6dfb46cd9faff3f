/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }],
  },
  // Integration tests start real binaries; give them room without hiding hangs.
  testTimeout: 60_000,
  // Tests run against real processes on loopback ports; never fail-open.
  errorOnDeprecated: true,
  collectCoverageFrom: ['src/**/*.ts'],
};
