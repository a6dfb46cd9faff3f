/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only (tsconfig has isolatedModules); `npm run typecheck` checks types.
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // Integration tests start real binaries; room for them without hiding hangs.
  testTimeout: 60_000,
  collectCoverageFrom: ['src/**/*.ts'],
};
