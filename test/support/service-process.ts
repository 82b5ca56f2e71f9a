import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');
const mainTs = join(repoRoot, 'apps/tracker/src/main.ts');
/** What `npm start` runs: the webpack bundle of `nest build tracker`. */
const builtMain = join(repoRoot, 'dist/apps/tracker/main.js');

/** A TCP port nothing listens on right now. */
export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

export interface ServiceProcess {
  readonly name: string;
  readonly base: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  /** Everything the process wrote on stdout and stderr so far. */
  output(): string;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful: queued appends finish, files close), bounded; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | string | null>;
}

/**
 * The service as its own process, started the way `test/service-process.e2e-spec.ts` does (ts-node,
 * transpile only, from the sources), on 127.0.0.1 and ports of its own. `env` adds to and overrides
 * the defaults: STORE_PATH and READ_MODEL_PATH are required. `built: true` runs the bundle in
 * dist/ instead, as `npm start` does (build it first).
 */
export const spawnService = async (
  name: string,
  env: Record<string, string>,
  options: { built?: boolean } = {},
): Promise<ServiceProcess> => {
  const httpPort = env.HTTP_PORT ?? String(await freePort());
  const grpcPort = env.GRPC_PORT ?? String(await freePort());
  const inherited = { ...process.env };
  // The parent's Kafka settings are the tests' business: a service gets only what it is given.
  for (const key of Object.keys(inherited)) if (key.startsWith('KAFKA_')) delete inherited[key];
  const child = spawn(
    process.execPath,
    options.built
      ? [builtMain]
      : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', mainTs],
    {
      cwd: repoRoot,
      env: {
        ...inherited,
        AUTH_MODE: 'none',
        LOG_LEVEL: 'warn',
        HTTP_HOST: '127.0.0.1',
        GRPC_HOST: '127.0.0.1',
        ...env,
        HTTP_PORT: httpPort,
        GRPC_PORT: grpcPort,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const service: ServiceProcess = {
    name,
    base: `http://127.0.0.1:${httpPort}`,
    child,
    exited,
    output: () => output,
    kill: async () => {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    stop: async (timeoutMs = 15_000) => {
      if (!gone()) child.kill('SIGTERM');
      const timer = setTimeout(() => gone() || child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return service;
};

/** Waits until /health/ready answers 200; fails early, with the process's output, if it exits. */
export const waitReady = async (service: ServiceProcess, timeoutMs = 45_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | null | undefined;
  void service.exited.then((code) => (exitedWith = code));
  for (;;) {
    if (exitedWith !== undefined) {
      throw new Error(
        `${service.name} exited (${exitedWith}) before it was ready:\n${service.output()}`,
      );
    }
    try {
      const response = await fetch(`${service.base}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${service.name} not ready after ${timeoutMs} ms:\n${service.output()}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
};

/** Where a service answers HTTP, whether its own process or one started in the test's process. */
export type ServiceAddress = Pick<ServiceProcess, 'name' | 'base'>;

/** A reply body as parsed JSON, loosely typed for assertions. */
export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The status and the parsed body (undefined when empty) of a JSON reply. */
const jsonReply = async (response: Response): Promise<{ status: number; body: Json }> => {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

export const getJson = async (
  service: ServiceAddress,
  path: string,
): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${service.base}${path}`, { signal: AbortSignal.timeout(10_000) });
  return jsonReply(response);
};

/**
 * One Prometheus sample of /metrics, or undefined when absent; `name` as it is printed, labels
 * included (`tracker_thread_cpu_seconds{thread="main"}`).
 */
export const metric = async (
  service: ServiceAddress,
  name: string,
): Promise<number | undefined> => {
  const response = await fetch(`${service.base}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const literal = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${literal} (\\S+)$`, 'm').exec(await response.text());
  return match ? Number(match[1]) : undefined;
};

/** POSTs `body` as JSON; the status and the parsed reply. */
export const postJson = async (
  service: ServiceAddress,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Json }> => {
  const response = await fetch(`${service.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return jsonReply(response);
};

/** Polls `condition` until it holds; the error names `what` and the last value seen. */
export const eventually = async <T>(
  what: string,
  probe: () => Promise<T>,
  condition: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (condition(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
};
