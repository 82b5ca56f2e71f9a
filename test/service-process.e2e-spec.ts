import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..');
const mainTs = join(repoRoot, 'apps/tracker/src/main.ts');

const freePort = (): Promise<number> =>
  new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

/** Starts the service as its own process, the way `npm start` does, from the TypeScript sources. */
const startService = (env: Record<string, string>) => {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', mainTs],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, output: () => output };
};

const waitFor = async (url: string, timeoutMs: number): Promise<Response> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
};

describe('the service as a process', () => {
  let dir: string;
  let running: ChildProcess | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tracker-proc-'))));
  afterEach(() => {
    running?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health on the embedded defaults and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const service = startService({
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(await freePort()),
      STORE_PATH: join(dir, 'events.db'),
      READ_MODEL_PATH: join(dir, 'read-model.db'),
      AUTH_MODE: 'none',
    });
    running = service.child;
    const live = await waitFor(`http://127.0.0.1:${port}/health/live`, 30_000);
    expect(live.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { store: { kind: 'embedded' } },
    });
    expect(service.output()).toContain(
      'AUTH_MODE=none: webhooks are accepted WITHOUT authentication',
    );
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 40_000);

  it('will not start without webhook keys unless told AUTH_MODE=none, never in production', async () => {
    const unconfigured = startService({ STORE_PATH: join(dir, 'events.db'), AUTH_MODE: '' });
    running = unconfigured.child;
    expect(await unconfigured.exited).toBe(2);
    expect(unconfigured.output()).toContain('AUTH_MODE=jwt needs GRAPH_AUTH_AUDIENCE');

    const production = startService({
      STORE_PATH: join(dir, 'events.db'),
      AUTH_MODE: 'none',
      NODE_ENV: 'production',
    });
    running = production.child;
    expect(await production.exited).toBe(2);
    expect(production.output()).toContain('AUTH_MODE=none is refused when NODE_ENV=production');
  }, 40_000);

  it('refuses to start on a wrong variable and names it', async () => {
    const service = startService({ HTTP_PORT: 'not-a-port', STORE_PATH: join(dir, 'events.db') });
    running = service.child;
    expect(await service.exited).toBe(2);
    expect(service.output()).toContain(
      'HTTP_PORT must be an integer from 0 to 65535 (got "not-a-port")',
    );
  }, 40_000);
});
