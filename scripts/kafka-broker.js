'use strict';
// Makes sure a Kafka broker is reachable for the tests, starting the local single-node KRaft
// broker from deploy/kafka/kafka.sh when nothing answers. Node builtins only.
//
//   const { ensureBroker, stopBroker } = require('./kafka-broker');
//   const { brokers, startedByUs } = await ensureBroker();   // KAFKA_BROKERS or 127.0.0.1:9092
//   ...
//   if (startedByUs) await stopBroker();
//
// CLI: node scripts/kafka-broker.js ensure|stop|status
//
// kafka.sh output is streamed to this process's stderr, so stdout stays clean for test runners.

const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const KAFKA_SH = path.resolve(__dirname, '..', 'deploy', 'kafka', 'kafka.sh');
const DEFAULT_BROKERS = '127.0.0.1:9092';
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** First "host:port" of a comma-separated broker list. */
function parseFirstBroker(brokers) {
  const first = String(brokers).split(',')[0].trim();
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(first);
  if (!m) throw new Error(`kafka-broker: cannot parse broker address '${first}' (want host:port)`);
  return { host: m[1], port: Number(m[2]) };
}

/** Resolves true when a TCP connection to host:port succeeds within timeoutMs. */
function canConnect(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Runs kafka.sh with the given args, streaming its output to stderr. */
function runKafkaSh(args, { port, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...env };
    if (port !== undefined) childEnv.KAFKA_PORT = String(port);
    const child = spawn('bash', [KAFKA_SH, ...args], {
      env: childEnv,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    child.once('error', reject);
    // 'exit', not 'close': the broker it starts is detached and never holds our stdio.
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `kafka-broker: 'kafka.sh ${args.join(' ')}' failed (${signal ? `signal ${signal}` : `exit ${code}`})`,
          ),
        );
    });
  });
}

/**
 * Reuses a broker that accepts TCP connections at the first address of `brokers`, otherwise
 * starts the local one with `kafka.sh start` (which waits until it answers a Metadata request);
 * `fresh` wipes that local broker's data first (`kafka.sh start --fresh`).
 * @returns {Promise<{ brokers: string, startedByUs: boolean }>}
 */
async function ensureBroker({
  brokers = process.env.KAFKA_BROKERS || DEFAULT_BROKERS,
  fresh = false,
} = {}) {
  const { host, port } = parseFirstBroker(brokers);
  if (await canConnect(host, port)) {
    return { brokers, startedByUs: false };
  }
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(
      `kafka-broker: nothing answers at ${host}:${port} and it is not a local address, so no broker can be started for it`,
    );
  }
  process.stderr.write(`kafka-broker: no broker at ${host}:${port}; starting one with kafka.sh\n`);
  await runKafkaSh(fresh ? ['start', '--fresh'] : ['start'], { port });
  return { brokers, startedByUs: true };
}

/** Stops the local broker (`kafka.sh stop`) on the port of the first address of `brokers`. */
async function stopBroker({ brokers = process.env.KAFKA_BROKERS || DEFAULT_BROKERS } = {}) {
  const { port } = parseFirstBroker(brokers);
  await runKafkaSh(['stop'], { port });
}

module.exports = { ensureBroker, stopBroker, canConnect, parseFirstBroker };

if (require.main === module) {
  const cmd = process.argv[2];
  const run = async () => {
    switch (cmd) {
      case 'ensure': {
        const result = await ensureBroker();
        process.stdout.write(`${JSON.stringify(result)}\n`);
        break;
      }
      case 'stop':
        await stopBroker();
        break;
      case 'status': {
        const { port } = parseFirstBroker(process.env.KAFKA_BROKERS || DEFAULT_BROKERS);
        await runKafkaSh(['status'], { port });
        break;
      }
      default:
        process.stderr.write('usage: node scripts/kafka-broker.js ensure|stop|status\n');
        process.exitCode = 2;
    }
  };
  run().catch((err) => {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  });
}
