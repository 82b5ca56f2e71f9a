import { spawn } from 'node:child_process';
import { brokers, kafkaSh } from '../../../libs/fanout/src/testing/kafka-test-kit';

/**
 * `kafka.sh <args>` for the broker under test (KAFKA_PORT = the port of KAFKA_BROKERS, as the kit's
 * `runKafkaSh` does), without blocking the event loop: `start` takes seconds, and the load and the
 * checks of the test must go on meanwhile.
 */
export const kafkaShAsync = (...args: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn('bash', [kafkaSh, ...args], {
      env: { ...process.env, KAFKA_PORT: brokers[0].split(':').pop() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    // 'exit', not 'close': the broker that `start` leaves running may keep the pipe open.
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`kafka.sh ${args.join(' ')} failed (${code ?? signal}): ${stderr}`)),
    );
  });
