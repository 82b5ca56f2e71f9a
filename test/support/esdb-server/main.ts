/**
 * Runs the EventStoreDB protocol test server as a process (scripts/run-tests.js and the bench start
 * it this way):
 *
 *   node -r ts-node/register/transpile-only test/support/esdb-server/main.ts [--port N] [--host H]
 *
 * Prints one line `esdb-test-server listening on esdb://HOST:PORT?tls=false` once it accepts
 * connections, and stops on SIGTERM or SIGINT.
 */
import { EsdbTestServer } from './esdb-test-server';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const main = async () => {
  const port = Number(argument('port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number, not "${argument('port')}"`);
  }
  const server = await EsdbTestServer.start({ host: argument('host') ?? '127.0.0.1', port });
  process.stdout.write(`esdb-test-server listening on ${server.connectionString}\n`);
  const shutdown = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};

main().catch((error) => {
  process.stderr.write(`esdb-test-server: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
