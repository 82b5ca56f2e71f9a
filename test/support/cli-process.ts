import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
export const CLI_BIN = resolve(ROOT, 'bin/comms-tracker.js');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildIfStale } = require('../../scripts/build-if-stale') as {
  buildIfStale: (project: string, options?: { quiet?: boolean }) => boolean;
};

/** How long a cold `nest build cli` may take on a busy two-core machine. */
export const CLI_BUILD_TIMEOUT_MS = 300_000;

/**
 * Builds the CLI when its sources changed (as `npm run cli` does), so the tests run what SREs run.
 * Call it from a `beforeAll` with CLI_BUILD_TIMEOUT_MS.
 */
export const ensureCliBuilt = (): void => {
  buildIfStale('cli', { quiet: true });
};

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built SRE CLI (bin/comms-tracker.js) as a real child process; see ensureCliBuilt. */
export const runCli = (args: readonly string[], env: Record<string, string>): Promise<CliRun> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
