#!/usr/bin/env node
/**
 * The test runner behind `npm test` (after typecheck, lint and format): makes sure a real Kafka
 * broker is reachable at KAFKA_BROKERS (starting the one in deploy/kafka when none answers, and
 * stopping it afterwards), then runs every jest tier. Extra arguments go to jest.
 */
const { spawnSync } = require('node:child_process');
const { ensureBroker, stopBroker } = require('./kafka-broker');

const main = async () => {
  const { brokers, startedByUs } = await ensureBroker({});
  process.stdout.write(
    `run-tests: Kafka broker at ${brokers}${startedByUs ? ' (started for this run)' : ''}\n`,
  );
  let status = 1;
  try {
    const jest = spawnSync(
      process.execPath,
      // One file at a time: the fault tests kill and restart the shared broker, which would break
      // a Kafka test running beside them on a machine with more cores.
      [require.resolve('jest/bin/jest'), '--ci', '--runInBand', ...process.argv.slice(2)],
      { stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: brokers } },
    );
    status = jest.status ?? 1;
  } finally {
    if (startedByUs) await stopBroker();
  }
  process.exit(status);
};

main().catch((error) => {
  process.stderr.write(`run-tests: ${error?.stack ?? error}\n`);
  process.exit(1);
});
