import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3000, bodyLimitBytes: 1048576 });
    expect(config.grpc).toEqual({ host: '0.0.0.0', port: 5000 });
    expect(config.store).toEqual({ kind: 'embedded', path: './data/events.db' });
    expect(config.logLevel).toBe('log');
  });

  it('reads the variables it is given', () => {
    const config = loadConfig({
      HTTP_PORT: '8080',
      GRPC_PORT: '9090',
      STORE: 'esdb',
      ESDB_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false',
    });
    expect(config.http.port).toBe(8080);
    expect(config.grpc.port).toBe(9090);
    expect(config.store).toEqual({
      kind: 'esdb',
      connectionString: 'esdb://127.0.0.1:2113?tls=false',
    });
  });

  it('names every wrong variable at once', () => {
    const attempt = () => loadConfig({ HTTP_PORT: 'eighty', STORE: 'mongo', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems } = error as ConfigError;
      expect(problems).toHaveLength(3);
      expect(problems).toEqual(
        expect.arrayContaining([
          'HTTP_PORT must be an integer from 0 to 65535 (got "eighty")',
          'STORE must be one of embedded, esdb (got "mongo")',
          'LOG_LEVEL must be one of error, warn, log, debug, verbose (got "loud")',
        ]),
      );
    }
  });

  it('requires a connection string for EventStoreDB', () => {
    expect(() => loadConfig({ STORE: 'esdb' })).toThrow(/ESDB_CONNECTION_STRING must be set/);
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig({ GRPC_PORT: '70000' })).toThrow(/GRPC_PORT must be an integer/);
  });
});

describe('loadConfig: deadlines and Kafka', () => {
  it('turns fan-out off without KAFKA_BROKERS and on with it', () => {
    expect(loadConfig({}).kafka).toBeUndefined();
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' }).kafka).toEqual({
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      clientId: 'comms-tracker',
      transactionalId: 'comms-tracker-publisher',
      partitions: 6,
      topics: {
        callState: 'comms.call-state.v1',
        operationState: 'comms.operation-state.v1',
        callEvents: 'comms.call-events.v1',
      },
    });
    expect(() => loadConfig({ KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS must be/);
  });

  it('reads per-type operation bounds', () => {
    const config = loadConfig({ OPERATION_TIMEOUTS: 'recordResponse=1000, play=2000' });
    expect(config.deadlines.bounds.operationTimeoutsMs).toEqual({
      recordResponse: 1000,
      play: 2000,
    });
    expect(() => loadConfig({ OPERATION_TIMEOUTS: 'recordResponse' })).toThrow(
      /OPERATION_TIMEOUTS must look like/,
    );
  });
});
