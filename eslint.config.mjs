// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCore = {
  paths: [{ name: 'fs', message: 'src/iam and src/rules are pure: no filesystem.' }],
  patterns: [
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'src/iam and src/rules are pure: no AWS SDK.' },
    { group: ['@middy/*'], message: 'src/iam and src/rules are pure: no middy.' },
    { group: ['node:fs', 'node:fs/*', 'fs/*'], message: 'src/iam and src/rules are pure: no filesystem.' },
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', '.serverless/', 'src/snapshot/validators.generated.ts'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', 'bin/*'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/iam/**/*.ts', 'src/rules/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', pureCore] },
  },
);
