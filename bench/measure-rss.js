#!/usr/bin/env node
/**
 * Runs the compiled CLI in this process and reports its peak resident set size: the fallback that
 * bench/run.js uses where GNU time (/usr/bin/time -f %M) is not available.
 *
 * Usage: node bench/measure-rss.js CLI-ARGS...
 * Prints, as the last line on stderr: {"maxRSSKB": <peak RSS in kilobytes>}
 */
'use strict';
const { resolve } = require('node:path');

process.on('exit', () => {
  process.stderr.write(`${JSON.stringify({ maxRSSKB: process.resourceUsage().maxRSS })}\n`);
});

require(resolve(__dirname, '..', 'dist', 'cli.js'))
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
