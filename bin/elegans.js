#!/usr/bin/env node
'use strict';
// Thin shim: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci` via `prepare`).
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('elegans: not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(1);
}
const { main } = require(entry);
main(process.argv.slice(2)).then(
  // exitCode, not exit(): exit() can cut off a large JSON document still being piped to stdout.
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write('elegans: ' + (err && err.message ? err.message : String(err)) + '\n');
    process.exitCode = 1;
  },
);
