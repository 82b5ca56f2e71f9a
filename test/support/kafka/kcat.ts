import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { brokers } from '../../../libs/fanout/src/testing/kafka-test-kit';

/** One record as kcat prints it with -J, headers as a list of [name, value] pairs in wire order. */
export interface KcatRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly payload: string | null;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/**
 * Everything on `topic` so far, read by kcat (librdkafka) as a consumer that nobody here wrote
 * would: read_committed (unless told otherwise), from the beginning, exiting at the end of every
 * partition.
 */
export const kcatRead = async (
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_committed',
): Promise<KcatRecord[]> => {
  // async: the service under test runs in this process and must keep publishing meanwhile
  const { stdout } = await promisify(execFile)(
    'kcat',
    [
      '-b',
      brokers.join(','),
      '-C',
      '-t',
      topic,
      '-X',
      `isolation.level=${isolation}`,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-J',
    ],
    { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const raw = JSON.parse(line) as Omit<KcatRecord, 'headers'> & { headers?: string[] };
      const flat = raw.headers ?? [];
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < flat.length; i += 2) headers.push([flat[i], flat[i + 1]]);
      return { ...raw, headers };
    });
};

/** Reads `topic` with kcat until it exists and holds at least `count` records. */
export const kcatReadAtLeast = async (
  topic: string,
  count: number,
  timeoutMs = 60_000,
): Promise<KcatRecord[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const records = await kcatRead(topic);
      if (records.length >= count || Date.now() > deadline) return records;
    } catch (error) {
      // the publisher creates the topics when it starts
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
};
