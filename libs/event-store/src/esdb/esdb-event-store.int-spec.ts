import { EsdbTestServer, sharedEsdb } from '../../../../test/support/esdb-server';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';

// The port's contract over the EventStoreDB client: against ESDB_CONNECTION_STRING when set (the
// protocol test server `npm test` starts, or a real EventStoreDB), else a test server of its own.
describe('EventStoreDB adapter', () => {
  let connectionString: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ connectionString, close } = await sharedEsdb()));
  afterAll(async () => close());

  describeEventStoreContract('EventStoreDB (BatchAppend, servers 21.10+)', async () => {
    const store = await EsdbEventStore.connect(connectionString);
    return { store, cleanup: () => store.close() };
  });
});

// Servers before 21.10 have no BatchAppend: the client then appends over the client-streaming
// Append call, whose answers and errors have other shapes. Only the test server can play that.
describe('EventStoreDB adapter over Streams.Append (no BatchAppend)', () => {
  let server: EsdbTestServer;
  beforeAll(async () => (server = await EsdbTestServer.start({ batchAppend: false })));
  afterAll(async () => {
    // The contract ran over Append: a silent switch to BatchAppend would make this suite pointless.
    expect(server.calls.append).toBeGreaterThan(0);
    expect(server.calls.batchAppend).toBe(0);
    await server.stop();
  });

  describeEventStoreContract('EventStoreDB (Append, servers 20.6 to 21.6)', async () => {
    const store = await EsdbEventStore.connect(server.connectionString);
    return { store, cleanup: () => store.close() };
  });
});
