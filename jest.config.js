/**
 * The default suite: everything under test/ except the corpus tests, which need ../shared
 * and run through `npm run test:corpus` (see jest.corpus.config.js).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.corpus\\.test\\.ts$', '\\.package\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // middy is ESM-only: compile its files to CommonJS for jest.
    '^.+/node_modules/@middy/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
};
