/**
 * Child processes of the bench: the service (a real process, started the way the e2e tests start
 * it), helper scripts under bench/ run through ts-node, and their resident memory.
 */
import { ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { threadCpuIn, valuesByName } from './stats';

export const repoRoot = resolve(__dirname, '..', '..');
export const TS_NODE_ARGS = [
  '-r',
  'ts-node/register/transpile-only',
  '-r',
  'tsconfig-paths/register',
];

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resident and peak resident size (bytes) of a process, from /proc (Linux). */
export const rssOf = (pid: number): { rss: number; hwm: number } | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return undefined;
  }
};

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
export const cpuMsOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
};

/** CPU time (ms) all processes of the machine have used so far, from /proc/stat. */
export const machineBusyMs = (): number | undefined => {
  try {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) * 1000) / 100;
  } catch {
    return undefined;
  }
};

/**
 * Who used the CPU during a measurement, in cores (1.0 = one core busy all the time): the measured
 * server, the load generator, and everything else on the machine (other people's work included).
 */
/**
 * The pid of the broker kafka.sh runs for `brokers` on this machine (its pid file, under
 * KAFKA_HOME_DIR or the repo's .kafka), or undefined when it is not one of ours.
 */
export const localBrokerPid = (brokers: string): number | undefined => {
  const port = /:(\d+)/.exec(brokers.split(',')[0])?.[1];
  const home = process.env.KAFKA_HOME_DIR || join(repoRoot, '.kafka');
  try {
    const pid = Number(readFileSync(join(home, `broker-${port}`, 'kafka.pid'), 'utf8').trim());
    return cpuMsOf(pid) === undefined ? undefined : pid;
  } catch {
    return undefined;
  }
};

/**
 * A thread's time on a CPU and time runnable but waiting for one, in ms (Linux
 * /proc/<pid>/task/<tid>/schedstat: run ns, wait ns, slices). A process's main thread has tid = pid.
 */
export const schedstatMsOf = (
  pid: number,
  tid = pid,
): { runMs: number; waitMs: number } | undefined => {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return Number.isFinite(run) && Number.isFinite(wait)
      ? { runMs: run / 1e6, waitMs: wait / 1e6 }
      : undefined;
  } catch {
    return undefined;
  }
};

/** CPU (cores) one process used between construction and `stop()`. */
export class ProcessCpu {
  private readonly start = { wall: Date.now(), cpu: 0 };

  constructor(private readonly pid: number | 'self') {
    this.start.cpu = this.cpuMs() ?? NaN;
  }

  private cpuMs(): number | undefined {
    if (this.pid !== 'self') return cpuMsOf(this.pid);
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }

  /** Undefined when the process is not there to measure. */
  stop(): number | undefined {
    const used = (this.cpuMs() ?? NaN) - this.start.cpu;
    const cores = used / (Date.now() - this.start.wall);
    return Number.isFinite(cores) ? Math.round(cores * 100) / 100 : undefined;
  }
}

export class CpuAccount {
  private readonly start: { wall: number; machine: number; server: number; loadgen: number };

  constructor(
    private readonly serverPid: number,
    private readonly loadgenPid: number,
  ) {
    this.start = this.sample();
  }

  private sample() {
    return {
      wall: Date.now(),
      machine: machineBusyMs() ?? NaN,
      server: cpuMsOf(this.serverPid) ?? NaN,
      loadgen: cpuMsOf(this.loadgenPid) ?? NaN,
    };
  }

  stop(): { server: number; loadGenerator: number; other: number } {
    const end = this.sample();
    const wall = end.wall - this.start.wall;
    const server = (end.server - this.start.server) / wall;
    const loadGenerator = (end.loadgen - this.start.loadgen) / wall;
    const machine = (end.machine - this.start.machine) / wall;
    const r = (x: number) => Math.round(x * 100) / 100;
    return {
      server: r(server),
      loadGenerator: r(loadGenerator),
      other: r(machine - server - loadGenerator),
    };
  }
}

export interface ServiceOptions {
  readonly dir: string;
  readonly storePath: string;
  readonly readModelPath: string;
  readonly env?: Record<string, string>;
  readonly label: string;
}

/**
 * BENCH_PROFILE=<dir>: the service writes V8 CPU profiles there (one per thread, on exit), for
 * `node bench/profile-summary.js <dir>`.
 */
const profileArgs = (options: ServiceOptions): string[] => {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${join(dir, options.label.replace(/[^\w-]+/g, '_'))}`];
};

/** BENCH_SERVICE_NODE_ARGS: more arguments for the service's node (an A/B of V8 flags, say). */
const nodeArgs = (): string[] =>
  (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

export class ServiceProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly httpPort: number,
    readonly grpcPort: number,
    readonly label: string,
  ) {
    child.stdout!.on('data', (c: Buffer) => this.keep(c));
    child.stderr!.on('data', (c: Buffer) => this.keep(c));
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
  }

  private keep(chunk: Buffer) {
    this.output = (this.output + chunk.toString()).slice(-20_000);
  }

  get base(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  /**
   * Starts the built service (`dist/apps/tracker/main.js`, as `npm run start:prod` runs it: see
   * `buildForBench`) and waits until GET /health/ready answers 200.
   */
  static async start(options: ServiceOptions): Promise<ServiceProcess> {
    const httpPort = await freePort();
    const grpcPort = await freePort();
    const child = spawn(
      process.execPath,
      [...nodeArgs(), ...profileArgs(options), join(repoRoot, 'dist/apps/tracker/main.js')],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          AUTH_MODE: 'none',
          LOG_LEVEL: 'warn',
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(httpPort),
          GRPC_HOST: '127.0.0.1',
          GRPC_PORT: String(grpcPort),
          STORE_PATH: options.storePath,
          READ_MODEL_PATH: options.readModelPath,
          KAFKA_BROKERS: '',
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const service = new ServiceProcess(child, httpPort, grpcPort, options.label);
    const deadline = Date.now() + 90_000;
    let exitCode: number | null | undefined;
    service.exited.then((code) => (exitCode = code));
    for (;;) {
      if (exitCode !== undefined) {
        throw new Error(`${options.label} exited (${exitCode}) on start:\n${service.log}`);
      }
      try {
        const res = await fetch(`${service.base}/health/ready`);
        if (res.status === 200) return service;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${options.label} not ready after 90 s:\n${service.log}`);
      }
      await sleep(200);
    }
  }

  /** /metrics as the service writes it (a scrape also resets its event-loop delay figures). */
  async metricsText(): Promise<string> {
    return fetch(`${this.base}/metrics`).then((r) => r.text());
  }

  /** `tracker_thread_cpu_seconds` by thread (main, store_writer, projection), from /metrics. */
  async threadCpuSeconds(): Promise<Record<string, number>> {
    return threadCpuIn(await this.metricsText());
  }

  async metrics(): Promise<Record<string, number>> {
    return valuesByName(await this.metricsText());
  }

  /** SIGTERM (graceful: the service finishes queued appends), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Builds the service and the CLI when their sources changed (scripts/build-if-stale.js): the bench
 * measures what production runs, the webpack bundles, not the sources through ts-node (whose
 * compiling, in the service and again in each of its worker threads, would take the cores the
 * first seconds of a phase measure).
 */
export const buildForBench = (): void => {
  for (const project of ['tracker', 'cli']) {
    const built = spawnSync(
      process.execPath,
      [join(repoRoot, 'scripts/build-if-stale.js'), project, '--quiet'],
      { cwd: repoRoot, stdio: 'inherit' },
    );
    if (built.status !== 0) throw new Error(`building ${project} failed (exit ${built.status})`);
  }
};

/** Runs a bench/ TypeScript file as its own process with an IPC channel. */
export const forkTs = (file: string, env: Record<string, string> = {}): ChildProcess =>
  fork(join(repoRoot, file), [], {
    cwd: repoRoot,
    execArgv: [...TS_NODE_ARGS],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

/** Sends one request over IPC and resolves with the child's answer (messages carry an `id`). */
export class IpcClient {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly exited: Promise<number | null>;
  onEvent: (message: Record<string, unknown>) => void = () => undefined;

  constructor(readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = raw as { id?: number; result?: unknown; error?: string; event?: string };
      if (message.id === undefined) {
        this.onEvent(message as Record<string, unknown>);
        return;
      }
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    this.exited = new Promise((done) =>
      child.on('exit', (code) => {
        for (const w of this.waiting.values()) w.reject(new Error(`child exited (${code})`));
        this.waiting.clear();
        done(code);
      }),
    );
  }

  call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command, args });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The serving side of IpcClient, for the child. */
export const serveIpc = (
  handlers: Record<string, (args: Record<string, unknown>) => Promise<unknown>>,
): void => {
  process.on('message', (raw) => {
    const { id, command, args } = raw as {
      id: number;
      command: string;
      args: Record<string, unknown>;
    };
    const handler = handlers[command];
    const reply = (message: Record<string, unknown>) => process.send!({ id, ...message });
    if (!handler) {
      reply({ error: `unknown command ${command}` });
      return;
    }
    handler(args).then(
      (result) => reply({ result }),
      (error: Error) => reply({ error: error?.stack ?? String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
};
