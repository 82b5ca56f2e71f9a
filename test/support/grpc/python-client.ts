import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Debian's Python, for which python3-grpcio and python3-protobuf are installed. */
export const PYTHON = process.env.TRACKER_TEST_PYTHON ?? '/usr/bin/python3';
export const PYTHON_CLIENTS = __dirname;

/** Fails with the fix when a Debian tool the test drives is missing (scripts/test-tools.js installs them). */
export const requireTool = (command: string, args: string[], what: string): void => {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.status !== 0) {
    throw new Error(
      `${what} is missing: run "node scripts/test-tools.js" as root (npm test does) to install it`,
    );
  }
};

export interface PythonRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one of the Python clients beside this file; `onLine` sees each stdout line as it comes, so
 * a test can act while the client holds a server stream open.
 */
export const runPython = (
  script: string,
  args: readonly string[],
  onLine: (line: string) => void = () => undefined,
  timeoutMs = 60_000,
): Promise<PythonRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(PYTHON_CLIENTS, script), ...args], {
      env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onLine);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
