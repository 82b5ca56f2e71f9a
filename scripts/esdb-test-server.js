'use strict';
// Starts the EventStoreDB protocol test server (test/support/esdb-server) as a child process for
// the tests, unless ESDB_CONNECTION_STRING already names a server (a real EventStoreDB, say).
//
//   const { ensureEsdb } = require('./esdb-test-server');
//   const { connectionString, stop } = await ensureEsdb();
//
// Its output goes to this process's stderr, so stdout stays clean for test runners.

const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const MAIN = path.join(ROOT, 'test', 'support', 'esdb-server', 'main.ts');
const READY = /esdb-test-server listening on (\S+)/;
const START_TIMEOUT_MS = 30_000;

/**
 * @returns {Promise<{ connectionString: string, startedByUs: boolean, stop: () => Promise<void> }>}
 */
async function ensureEsdb({
  given = process.env.ESDB_CONNECTION_STRING,
  port = process.env.ESDB_TEST_PORT || '0',
} = {}) {
  if (given) return { connectionString: given, startedByUs: false, stop: async () => undefined };
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', MAIN, '--port', String(port)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const connectionString = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`esdb-test-server: not ready after ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`esdb-test-server: exited (${code}) before it was ready`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { connectionString, startedByUs: true, stop };
}

module.exports = { ensureEsdb };
