#!/usr/bin/env node
'use strict';
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script, or `npm run build`).
try {
  require.resolve('../dist/cli.js');
} catch {
  process.stderr.write('ssm-ssh-audit: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
