import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'libsql';
import { EmbeddedEventStore } from './embedded-event-store';

const repoRoot = resolve(__dirname, '../../../..');

/** Runs the appender child until it has acknowledged `acks` appends, then SIGKILLs it. */
const appendThenKill = (path: string, acks: number): Promise<Array<[string, string]>> =>
  new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, '../testing/crash-appender.ts'),
        path,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const acknowledged: Array<[string, string]> = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [, stream, id] = line.split(' ');
        acknowledged.push([stream, id]);
      }
      if (acknowledged.length >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', fail);
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? done(acknowledged)
        : fail(new Error(`appender exited on its own (${signal})`)),
    );
  });

describe('embedded store under SIGKILL', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tracker-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged append and opens cleanly, crash after crash', async () => {
    const path = join(dir, 'events.db');
    const acknowledged: Array<[string, string]> = [];
    for (const round of [1, 2, 3]) {
      acknowledged.push(...(await appendThenKill(path, 400 * round)));
    }

    const raw = new Database(path);
    expect(raw.prepare('PRAGMA integrity_check').raw().get()).toEqual(['ok']);
    raw.close();

    const store = EmbeddedEventStore.open({ path });
    const byStream = new Map<string, Set<string>>();
    for (const [stream] of acknowledged) {
      if (!byStream.has(stream)) {
        byStream.set(stream, new Set((await store.readStream(stream)).map((e) => e.id)));
      }
    }
    const missing = acknowledged.filter(([stream, id]) => !byStream.get(stream)!.has(id));
    await store.close();
    expect(acknowledged.length).toBeGreaterThanOrEqual(2400);
    expect(missing).toEqual([]);
  }, 60_000);
});
