import { EsdbTestServer } from './esdb-test-server';

export { EsdbTestServer, SERVER_VERSION } from './esdb-test-server';
export type { EsdbTestServerOptions } from './esdb-test-server';

/**
 * The EventStoreDB the tests share: the one ESDB_CONNECTION_STRING names (scripts/run-tests.js
 * starts the protocol test server and sets it; set it yourself to run against a real server), or,
 * when a test file runs on its own without it, a protocol test server in this process.
 */
export const sharedEsdb = async (): Promise<{
  readonly connectionString: string;
  close(): Promise<void>;
}> => {
  const given = process.env.ESDB_CONNECTION_STRING;
  if (given) return { connectionString: given, close: async () => undefined };
  const server = await EsdbTestServer.start();
  return { connectionString: server.connectionString, close: () => server.stop() };
};

/** True when the tests run against a server someone else started (maybe a real EventStoreDB). */
export const usingExternalEsdb = (): boolean => Boolean(process.env.ESDB_CONNECTION_STRING);
