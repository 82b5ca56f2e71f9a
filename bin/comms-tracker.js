#!/usr/bin/env node
/**
 * The SRE command line (apps/cli), as built by `npm run build` into dist/apps/cli: plain
 * JavaScript, so a command starts at once instead of compiling TypeScript first. `npm run cli --`
 * builds it when the sources changed and runs it; `npm link` puts `comms-tracker` on the PATH.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(built)) {
  process.stderr.write(
    `error: the CLI is not built yet: run "npm run build" in ${join(__dirname, '..')}\n`,
  );
  process.exit(1);
}
require(built);
