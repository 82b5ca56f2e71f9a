import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

/** Most cases are not about authentication: they run with it explicitly off. */
const load = (env: Record<string, string> = {}) => loadConfig({ AUTH_MODE: 'none', ...env });

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = load();
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 3000,
      bodyLimitBytes: 1048576,
      requestTimeoutMs: 30_000,
      connectionTimeoutMs: 60_000,
    });
    expect(config.grpc).toEqual({ host: '0.0.0.0', port: 5000 });
    expect(config.store).toEqual({ kind: 'embedded', path: './data/events.db' });
    expect(config.logLevel).toBe('log');
  });

  it('reads the variables it is given', () => {
    const config = load({
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
    const attempt = () => load({ HTTP_PORT: 'eighty', STORE: 'mongo', LOG_LEVEL: 'loud' });
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

  it('answers queries from two threads unless QUERY_THREADS says otherwise (0: the event loop)', () => {
    expect(load().queryThreads).toBe(2);
    expect(load({ QUERY_THREADS: '0' }).queryThreads).toBe(0);
    expect(() => load({ QUERY_THREADS: '17' })).toThrow(
      'QUERY_THREADS must be an integer from 0 to 16 (got "17")',
    );
  });

  it('reads the HTTP timeouts and refuses ones too short to receive a request', () => {
    const config = load({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_CONNECTION_TIMEOUT_MS: '7000' });
    expect(config.http).toMatchObject({ requestTimeoutMs: 5000, connectionTimeoutMs: 7000 });
    expect(() => load({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(
      'HTTP_REQUEST_TIMEOUT_MS must be an integer from 100 to 3600000 (got "0")',
    );
  });

  it('requires a connection string for EventStoreDB', () => {
    expect(() => load({ STORE: 'esdb' })).toThrow(/ESDB_CONNECTION_STRING must be set/);
  });

  it('rejects a port out of range', () => {
    expect(() => load({ GRPC_PORT: '70000' })).toThrow(/GRPC_PORT must be an integer/);
  });
});

describe('loadConfig: deadlines and Kafka', () => {
  it('turns fan-out off without KAFKA_BROKERS and on with it', () => {
    expect(load().kafka).toBeUndefined();
    expect(load({ KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' }).kafka).toEqual({
      brokers: ['127.0.0.1:9092', '127.0.0.1:9093'],
      clientId: 'comms-tracker',
      transactionalId: 'comms-tracker-publisher',
      partitions: 6,
      maxTopicBatchBytes: 1_000_000,
      publisher: 'thread',
      topics: {
        callState: 'comms.call-state.v1',
        operationState: 'comms.operation-state.v1',
        callEvents: 'comms.call-events.v1',
      },
    });
    expect(() => load({ KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS must be/);
    const kafka = { KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(load({ ...kafka, KAFKA_PUBLISHER: 'inline' }).kafka?.publisher).toBe('inline');
    expect(() => load({ ...kafka, KAFKA_PUBLISHER: 'worker' })).toThrow(/KAFKA_PUBLISHER/);
  });

  it('reads per-type operation bounds', () => {
    const config = load({ OPERATION_TIMEOUTS: 'recordResponse=1000, play=2000' });
    expect(config.deadlines.bounds.operationTimeoutsMs).toEqual({
      recordResponse: 1000,
      play: 2000,
    });
    expect(() => load({ OPERATION_TIMEOUTS: 'recordResponse' })).toThrow(
      /OPERATION_TIMEOUTS must look like/,
    );
  });
});

describe('loadConfig: authentication and secrets', () => {
  const graph = { GRAPH_AUTH_AUDIENCE: 'bot-app-id' };

  it('requires webhook keys by default, so a bare production start fails', () => {
    expect(() => loadConfig({})).toThrow(/AUTH_MODE=jwt needs GRAPH_AUTH_AUDIENCE/);
  });

  it('refuses AUTH_MODE=none in production', () => {
    expect(() => loadConfig({ AUTH_MODE: 'none', NODE_ENV: 'production' })).toThrow(
      /AUTH_MODE=none is refused when NODE_ENV=production/,
    );
  });

  it('fills Microsoft defaults for a configured platform and leaves the other off', () => {
    const { auth } = loadConfig(graph);
    expect(auth.mode).toBe('jwt');
    expect(auth.graph).toEqual({
      audience: 'bot-app-id',
      issuers: ['https://api.botframework.com'],
      openIdConfigUrl: 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration',
      tenantIds: [],
    });
    expect(auth.acs).toBeUndefined();
    expect(auth.apiKeys).toEqual([]);
  });

  it('reads overrides, lists and keys', () => {
    const { auth } = loadConfig({
      ACS_AUTH_AUDIENCE: 'acs-resource-id',
      ACS_AUTH_ISSUERS: 'https://a.example, https://b.example',
      ACS_AUTH_JWKS_URL: 'http://127.0.0.1:9/keys',
      ACS_AUTH_TENANT_IDS: 't1,t2',
      API_KEYS: 'k'.repeat(16) + ',' + 'z'.repeat(20),
      AUTH_CLOCK_SKEW_SECONDS: '5',
    });
    expect(auth.acs).toMatchObject({
      audience: 'acs-resource-id',
      issuers: ['https://a.example', 'https://b.example'],
      jwksUrl: 'http://127.0.0.1:9/keys',
      tenantIds: ['t1', 't2'],
    });
    expect(auth.apiKeys).toHaveLength(2);
    expect(auth.clockSkewSeconds).toBe(5);
  });

  it('configures Event Grid deliveries only with the tenant issuers given', () => {
    const { auth } = loadConfig({
      EVENTGRID_AUTH_AUDIENCE: 'api://tracker',
      EVENTGRID_AUTH_ISSUERS: 'https://sts.windows.net/t1/',
    });
    expect(auth.eventGrid).toEqual({
      audience: 'api://tracker',
      issuers: ['https://sts.windows.net/t1/'],
      openIdConfigUrl:
        'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      tenantIds: [],
    });
    expect(() => loadConfig({ EVENTGRID_AUTH_AUDIENCE: 'api://tracker' })).toThrow(
      /EVENTGRID_AUTH_AUDIENCE needs EVENTGRID_AUTH_ISSUERS/,
    );
  });

  it('rejects short API keys, bad URLs and a wrong-size encryption key', () => {
    const attempt = () =>
      loadConfig({
        ...graph,
        API_KEYS: 'short',
        GRAPH_AUTH_JWKS_URL: 'ftp://keys',
        RECORDING_TOKEN_KEY: Buffer.alloc(16).toString('base64'),
      });
    expect(attempt).toThrow(/API_KEYS must be keys of at least 16 characters/);
    expect(attempt).toThrow(/GRAPH_AUTH_JWKS_URL must be an http\(s\) URL/);
    expect(attempt).toThrow(/RECORDING_TOKEN_KEY must be 32 random bytes in base64/);
  });

  it('reads a 32-byte recording-token key and its id', () => {
    const key = Buffer.alloc(32, 7);
    const config = loadConfig({
      ...graph,
      RECORDING_TOKEN_KEY: key.toString('base64'),
      RECORDING_TOKEN_KEY_ID: '2026-11',
    });
    expect(config.secretsKey).toEqual({ id: '2026-11', key });
    expect(loadConfig(graph).secretsKey).toBeUndefined();
  });

  it('reads every variable of CONFIG_VARIABLES, and no other', () => {
    const read = new Set<string>();
    const recording = (env: Record<string, string>) =>
      new Proxy<Record<string, string>>(
        { AUTH_MODE: 'none', ...env },
        {
          get: (target, name: string) => {
            read.add(name);
            return target[name];
          },
        },
      );
    // Some variables are read only in some set-ups: the embedded store, EventStoreDB, Kafka on,
    // a recording-token key set.
    loadConfig(recording({}));
    loadConfig(
      recording({ STORE: 'esdb', ESDB_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false' }),
    );
    loadConfig(
      recording({
        KAFKA_BROKERS: '127.0.0.1:9092',
        RECORDING_TOKEN_KEY: Buffer.alloc(32, 7).toString('base64'),
      }),
    );
    expect([...read].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
