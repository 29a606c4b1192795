#!/usr/bin/env node
// Launcher for the `hearth` command: runs the built CLI (npm install builds it; so does `npm run build`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const entry = join(__dirname, '..', '..', 'out', 'main', 'cli.js');
if (!existsSync(entry)) {
  process.stderr.write('hearth: the app is not built yet. Run "npm run build" in the Hearth folder, then try again.\n');
  process.exit(1);
}
require(entry);
