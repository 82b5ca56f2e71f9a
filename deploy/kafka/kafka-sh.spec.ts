import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// kafka.sh checks its settings before it touches the cache, Maven or a JVM: these run in ms.
const kafkaSh = (env: Record<string, string>) =>
  spawnSync('bash', [join(__dirname, 'kafka.sh'), 'status'], {
    env: { ...process.env, KAFKA_PORT: '19999', ...env },
    encoding: 'utf8',
  });

describe('kafka.sh settings', () => {
  it.each(['x', '1;rm', '0-', ' 1'])('refuses KAFKA_CPUS=%j with exit code 2', (cpus) => {
    const run = kafkaSh({ KAFKA_CPUS: cpus });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('KAFKA_CPUS must be a CPU list');
  });

  it.each(['1', '0-1', '0,1'])(
    'takes KAFKA_CPUS=%j (status of a broker that is not running: 3)',
    (cpus) => {
      const run = kafkaSh({ KAFKA_CPUS: cpus });
      expect(run.stderr).not.toContain('KAFKA_CPUS');
      expect(run.status).toBe(3);
    },
  );
});
