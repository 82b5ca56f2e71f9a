import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReadModelLock, ReadModelLocked } from './read-model-lock';

const repoRoot = resolve(__dirname, '../../..');

/** Another process that holds the lock the way `mode` says, until it is killed. */
const holder = (readModelPath: string, mode: 'share' | 'takeAlone') =>
  new Promise<{ kill: () => Promise<void> }>((held, fail) => {
    // The lock lives as long as its connection: kept in a global, or the GC may close it (and
    // free the lock) while the test still counts on it, as it once did under CI's load.
    const script =
      `globalThis.lock = require(${JSON.stringify(join(__dirname, 'read-model-lock'))}).ReadModelLock` +
      `.${mode}(${JSON.stringify(readModelPath)}); console.log('held'); setInterval(() => {}, 1e6);`;
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((done) => child.once('exit', done));
    child.on('error', fail);
    child.stdout.once('data', () =>
      held({
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      }),
    );
    void exited.then(() => fail(new Error('the holder exited before it held the lock')));
  });

const refusal = (take: () => unknown): ReadModelLocked => {
  try {
    take();
  } catch (error) {
    expect(error).toBeInstanceOf(ReadModelLocked);
    return error as ReadModelLocked;
  }
  throw new Error('expected the lock to be refused');
};

describe('ReadModelLock (SQLite file locks, across processes)', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-model-lock-'));
    path = join(dir, 'nested', 'read-model.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets services share it and refuses a rebuild while one of them holds it', () => {
    const first = ReadModelLock.share(path);
    const second = ReadModelLock.share(path);
    expect(refusal(() => ReadModelLock.takeAlone(path))).toMatchObject({
      heldBy: 'service',
      lockPath: `${path}.lock`,
    });
    first.release();
    expect(refusal(() => ReadModelLock.takeAlone(path)).heldBy).toBe('service');
    second.release();
    ReadModelLock.takeAlone(path).release();
  });

  it('refuses a service and a second rebuild while a rebuild holds it', () => {
    const rebuild = ReadModelLock.takeAlone(path);
    expect(refusal(() => ReadModelLock.share(path)).heldBy).toBe('rebuild');
    expect(refusal(() => ReadModelLock.takeAlone(path)).heldBy).toBe('rebuild');
    rebuild.release();
    ReadModelLock.share(path).release();
  });

  it('is held by another process, and free again as soon as that process is SIGKILLed', async () => {
    const service = await holder(path, 'share');
    try {
      expect(refusal(() => ReadModelLock.takeAlone(path)).heldBy).toBe('service');
    } finally {
      await service.kill();
    }
    const rebuild = await holder(path, 'takeAlone');
    try {
      expect(refusal(() => ReadModelLock.share(path)).heldBy).toBe('rebuild');
    } finally {
      await rebuild.kill();
    }
    // No stale lock: the kernel dropped it with the process.
    ReadModelLock.takeAlone(path).release();
  }, 30_000);
});
