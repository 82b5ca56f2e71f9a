#!/usr/bin/env node
/**
 * The test runner behind `npm test` (after typecheck, lint and format): installs the clients other
 * stacks use when missing (scripts/test-tools.js: Python gRPC, protoc, kcat from Debian; and
 * promtool, scripts/promtool.js), makes sure a real Kafka broker is reachable at KAFKA_BROKERS
 * (starting the one in deploy/kafka when none answers, and stopping it afterwards) and an
 * EventStoreDB at ESDB_CONNECTION_STRING (starting the protocol test server of
 * test/support/esdb-server when it is not set), then runs every jest tier. Extra arguments go to
 * jest.
 *
 * It ends with one plain line, alone and last, counted from jest's JSON results:
 *   381 passed, 0 failed, 1 skipped
 * and exits non-zero when a test failed, a suite could not run, or no test ran at all.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ensureBroker, stopBroker } = require('./kafka-broker');
const { ensurePromtool } = require('./promtool');
const { ensureEsdb } = require('./esdb-test-server');
const { summarise } = require('./test-summary');
const { ensureTestTools } = require('./test-tools');

const main = async () => {
  process.stdout.write(`run-tests: promtool at ${ensurePromtool()}\n`);
  // Python gRPC, protoc and kcat (Debian packages) for the tests that use other stacks' clients.
  ensureTestTools();
  const { brokers, startedByUs } = await ensureBroker({});
  process.stdout.write(
    `run-tests: Kafka broker at ${brokers}${startedByUs ? ' (started for this run)' : ''}\n`,
  );
  const esdb = await ensureEsdb();
  process.stdout.write(
    `run-tests: EventStoreDB at ${esdb.connectionString}${esdb.startedByUs ? ' (protocol test server started for this run)' : ''}\n`,
  );
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jest-results-')), 'r.json');
  let jestStatus = 1;
  try {
    const jest = spawnSync(
      process.execPath,
      // One file at a time: the fault tests kill and restart the shared broker, which would break
      // a Kafka test running beside them on a machine with more cores.
      [
        require.resolve('jest/bin/jest'),
        '--ci',
        '--runInBand',
        // A test that leaks a handle (a Kafka client of a failed test) must not keep CI waiting
        // until its timeout: the results are written when the run completes.
        '--forceExit',
        '--json',
        `--outputFile=${resultsFile}`,
        ...process.argv.slice(2),
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          KAFKA_BROKERS: brokers,
          ESDB_CONNECTION_STRING: esdb.connectionString,
        },
      },
    );
    jestStatus = jest.status ?? 1;
  } finally {
    await esdb.stop();
    if (startedByUs) await stopBroker();
  }
  let results;
  try {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch (error) {
    process.stdout.write(`run-tests: jest wrote no results (${error.message})\n`);
  }
  const { line, ok } = summarise(results, jestStatus);
  process.stdout.write(`${line}\n`);
  process.exit(ok ? 0 : 1);
};

main().catch((error) => {
  process.stderr.write(`run-tests: ${error?.stack ?? error}\n`);
  process.exit(1);
});
