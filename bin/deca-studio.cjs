#!/usr/bin/env node
// The `deca-studio` command: runs the bundled CLI (built by `npm run build`, also run by `npm install`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'out', 'main', 'cli.cjs');
if (!fs.existsSync(cli)) {
  console.error('deca-studio is not built yet: run "npm run build" in ' + path.join(__dirname, '..'));
  process.exit(1);
}
require(cli);
