/**
 * The package suite: runs `npx osls package --stage ci`, checks the CloudFormation template (resources,
 * least-privilege IAM) and runs the bundled handlers from the zips in child processes. Slow (osls and
 * esbuild), so it is kept out of the default suite: `npm run test:package`.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/package'],
  testMatch: ['**/*.package.test.ts'],
  testTimeout: 240000,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
};
