/**
 * Configuration comes from environment variables only. Every variable is documented in the README
 * with its default; a wrong value stops start-up with a message that names the variable.
 */
export type StoreKind = 'embedded' | 'esdb';

export interface AppConfig {
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    /** A request (headers and body) must have arrived this long after it began, or it gets 408. */
    readonly requestTimeoutMs: number;
    /** A connection with no traffic either way for this long is closed. */
    readonly connectionTimeoutMs: number;
  };
  readonly grpc: { readonly host: string; readonly port: number };
  readonly store:
    | { readonly kind: 'embedded'; readonly path: string }
    | { readonly kind: 'esdb'; readonly connectionString: string };
  readonly readModelPath: string;
  /**
   * `thread` (default): the read model is projected in a thread of its own, off the event loop that
   * answers HTTP. `inline`: in the same thread (the in-process tests, where a worker would load the
   * TypeScript sources again).
   */
  readonly projection: 'thread' | 'inline';
  /**
   * Worker threads answering REST and gRPC queries, each with its own read-model connection, so a
   * slow read never delays the event loop that acknowledges webhooks. 0: on the event loop.
   */
  readonly queryThreads: number;
  /**
   * Queries waiting for their answers past which a REST or gRPC read is refused at once (503 with
   * Retry-After, UNAVAILABLE) instead of queued: past it the service answers slower than reads
   * arrive. With query threads only.
   */
  readonly queryQueueLimit: number;
  readonly deadlines: {
    readonly checkIntervalMs: number;
    readonly bounds: {
      readonly answerTimeoutMs: number;
      readonly policyRecordingAnswerTimeoutMs: number;
      readonly keepAliveMs: number;
      readonly operationTimeoutMs: number;
      readonly operationTimeoutsMs: Readonly<Record<string, number>>;
    };
  };
  /** Undefined when KAFKA_BROKERS is unset: fan-out is off. */
  readonly kafka?: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly transactionalId: string;
    readonly partitions: number;
    /** Bytes of records a Kafka transaction sends to one topic partition at most: below `message.max.bytes`. */
    readonly maxTopicBatchBytes: number;
    /** `thread`: the publisher runs in a worker thread of its own; `inline`: on the HTTP loop. */
    readonly publisher: 'thread' | 'inline';
    readonly topics: {
      readonly callState: string;
      readonly operationState: string;
      readonly callEvents: string;
    };
  };
  readonly auth: AuthConfig;
  /** AES-256-GCM key for recording tokens at rest; undefined: tokens are dropped, never stored. */
  readonly secretsKey?: { readonly id: string; readonly key: Buffer };
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

/** Who may send a platform's webhooks: tokens signed by keys from its OpenID configuration. */
export interface JwtSourceConfig {
  readonly audience: string;
  readonly issuers: readonly string[];
  /** Where the signing keys are found, unless `jwksUrl` names them directly. */
  readonly openIdConfigUrl: string;
  readonly jwksUrl?: string;
  /** When non-empty, the token's `tid` claim must be one of these. */
  readonly tenantIds: readonly string[];
}

export interface AuthConfig {
  /** `none` accepts unauthenticated webhooks and reads: local use only, refused in production. */
  readonly mode: 'jwt' | 'none';
  /** Undefined: that platform's webhook answers 401 to everyone. */
  readonly graph?: JwtSourceConfig;
  readonly acs?: JwtSourceConfig;
  /** Event Grid deliveries (`IncomingCall`) with Microsoft Entra ID tokens: `/api/eventgrid/events`. */
  readonly eventGrid?: JwtSourceConfig;
  readonly clockSkewSeconds: number;
  readonly jwksCooldownSeconds: number;
  /** Keys for the read APIs and the bot's operation responses; empty: those are open. */
  readonly apiKeys: readonly string[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Every environment variable the service reads: the README documents each, and deploy/'s test
 * checks that the manifests set no other. `EnvReader` accepts only these names, so a variable
 * read anywhere below is on this list.
 */
export const CONFIG_VARIABLES = [
  'NODE_ENV',
  'HTTP_HOST',
  'HTTP_PORT',
  'BODY_LIMIT_BYTES',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_CONNECTION_TIMEOUT_MS',
  'GRPC_HOST',
  'GRPC_PORT',
  'STORE',
  'STORE_PATH',
  'ESDB_CONNECTION_STRING',
  'READ_MODEL_PATH',
  'PROJECTION',
  'QUERY_THREADS',
  'QUERY_QUEUE_LIMIT',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_TRANSACTIONAL_ID',
  'KAFKA_TOPIC_CALL_STATE',
  'KAFKA_TOPIC_OPERATION_STATE',
  'KAFKA_TOPIC_CALL_EVENTS',
  'KAFKA_TOPIC_PARTITIONS',
  'KAFKA_MAX_TOPIC_BATCH_BYTES',
  'KAFKA_PUBLISHER',
  'ANSWER_TIMEOUT_MS',
  'POLICY_RECORDING_ANSWER_TIMEOUT_MS',
  'KEEP_ALIVE_MS',
  'OPERATION_TIMEOUT_MS',
  'OPERATION_TIMEOUTS',
  'DEADLINE_CHECK_INTERVAL_MS',
  'LOG_LEVEL',
  'AUTH_MODE',
  'GRAPH_AUTH_AUDIENCE',
  'GRAPH_AUTH_ISSUERS',
  'GRAPH_AUTH_OPENID_CONFIG_URL',
  'GRAPH_AUTH_JWKS_URL',
  'GRAPH_AUTH_TENANT_IDS',
  'ACS_AUTH_AUDIENCE',
  'ACS_AUTH_ISSUERS',
  'ACS_AUTH_OPENID_CONFIG_URL',
  'ACS_AUTH_JWKS_URL',
  'ACS_AUTH_TENANT_IDS',
  'EVENTGRID_AUTH_AUDIENCE',
  'EVENTGRID_AUTH_ISSUERS',
  'EVENTGRID_AUTH_OPENID_CONFIG_URL',
  'EVENTGRID_AUTH_JWKS_URL',
  'EVENTGRID_AUTH_TENANT_IDS',
  'AUTH_CLOCK_SKEW_SECONDS',
  'AUTH_JWKS_COOLDOWN_SECONDS',
  'API_KEYS',
  'RECORDING_TOKEN_KEY',
  'RECORDING_TOKEN_KEY_ID',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** Collects every problem instead of stopping at the first, so one start-up shows them all. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: ConfigVariable, fallback: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') return fallback;
    return value;
  }

  integer(name: ConfigVariable, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /** `type=ms,type=ms`, e.g. `recordResponse=150000,playPrompt=300000`. */
  durations(name: ConfigVariable): Record<string, number> {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return {};
    const entries = raw.split(',').map((pair) => pair.split('=').map((s) => s.trim()));
    if (
      entries.some(([key, ms, extra]) => !key || !/^\d+$/.test(ms ?? '') || extra !== undefined)
    ) {
      this.problems.push(
        `${name} must look like "recordResponse=150000,playPrompt=300000" (got "${raw}")`,
      );
      return {};
    }
    return Object.fromEntries(entries.map(([key, ms]) => [key, Number(ms)]));
  }

  brokers(name: ConfigVariable): string[] | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const list = raw.split(',').map((b) => b.trim());
    if (list.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) {
      this.problems.push(`${name} must be a comma-separated list of host:port (got "${raw}")`);
      return undefined;
    }
    return list;
  }

  list(name: ConfigVariable, fallback: readonly string[]): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return [...fallback];
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  url(name: ConfigVariable, fallback?: string): string | undefined {
    const raw = this.string(name, fallback ?? '');
    if (raw === '') return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol === 'https:' || url.protocol === 'http:') return raw;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be an http(s) URL (got "${raw}")`);
    return undefined;
  }

  oneOf<T extends string>(name: ConfigVariable, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }
}

const DAY_MS = 86_400_000;

const kafkaConfig = (read: EnvReader): AppConfig['kafka'] => {
  const brokers = read.brokers('KAFKA_BROKERS');
  if (!brokers) return undefined;
  return {
    brokers,
    clientId: read.string('KAFKA_CLIENT_ID', 'comms-tracker'),
    transactionalId: read.string('KAFKA_TRANSACTIONAL_ID', 'comms-tracker-publisher'),
    partitions: read.integer('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
    maxTopicBatchBytes: read.integer(
      'KAFKA_MAX_TOPIC_BATCH_BYTES',
      1_000_000,
      1_000,
      1_000_000_000,
    ),
    publisher: read.oneOf('KAFKA_PUBLISHER', 'thread', ['thread', 'inline']),
    topics: {
      callState: read.string('KAFKA_TOPIC_CALL_STATE', 'comms.call-state.v1'),
      operationState: read.string('KAFKA_TOPIC_OPERATION_STATE', 'comms.operation-state.v1'),
      callEvents: read.string('KAFKA_TOPIC_CALL_EVENTS', 'comms.call-events.v1'),
    },
  };
};

/** Where Microsoft publishes the keys; overridable for sovereign clouds and tests. */
const GRAPH_DEFAULTS = {
  issuers: ['https://api.botframework.com'],
  openIdConfigUrl: 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration',
};
const ACS_DEFAULTS = {
  issuers: ['https://acscallautomation.communication.azure.com'],
  openIdConfigUrl:
    'https://acscallautomation.communication.azure.com/calling/.well-known/acsopenidconfiguration',
};

/**
 * Event Grid signs with Microsoft Entra ID: the issuer names the tenant
 * (`https://sts.windows.net/<tenant>/` or `https://login.microsoftonline.com/<tenant>/v2.0`), so
 * there is no default issuer and EVENTGRID_AUTH_ISSUERS is required with the audience.
 */
const EVENT_GRID_DEFAULTS = {
  issuers: [],
  openIdConfigUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
};

const jwtSource = (
  read: EnvReader,
  prefix: 'GRAPH' | 'ACS' | 'EVENTGRID',
  defaults: { issuers: readonly string[]; openIdConfigUrl: string },
): JwtSourceConfig | undefined => {
  const audience = read.string(`${prefix}_AUTH_AUDIENCE`, '');
  const openIdConfigUrl = read.url(`${prefix}_AUTH_OPENID_CONFIG_URL`, defaults.openIdConfigUrl);
  const jwksUrl = read.url(`${prefix}_AUTH_JWKS_URL`);
  const issuers = read.list(`${prefix}_AUTH_ISSUERS`, defaults.issuers);
  const tenantIds = read.list(`${prefix}_AUTH_TENANT_IDS`, []);
  if (!audience || !openIdConfigUrl) return undefined;
  return { audience, issuers, openIdConfigUrl, tenantIds, ...(jwksUrl ? { jwksUrl } : {}) };
};

const MIN_API_KEY_LENGTH = 16;

const authConfig = (read: EnvReader, env: Env): AuthConfig => {
  const mode = read.oneOf('AUTH_MODE', 'jwt', ['jwt', 'none']);
  const graph = jwtSource(read, 'GRAPH', GRAPH_DEFAULTS);
  const acs = jwtSource(read, 'ACS', ACS_DEFAULTS);
  const eventGrid = jwtSource(read, 'EVENTGRID', EVENT_GRID_DEFAULTS);
  if (eventGrid && eventGrid.issuers.length === 0) {
    read.problems.push(
      'EVENTGRID_AUTH_AUDIENCE needs EVENTGRID_AUTH_ISSUERS (your tenant, e.g. https://sts.windows.net/<tenant-id>/)',
    );
  }
  const apiKeys = read.list('API_KEYS', []);
  if (apiKeys.some((key) => key.length < MIN_API_KEY_LENGTH)) {
    read.problems.push(`API_KEYS must be keys of at least ${MIN_API_KEY_LENGTH} characters`);
  }
  if (mode === 'jwt' && !graph && !acs && !eventGrid) {
    read.problems.push(
      'AUTH_MODE=jwt needs GRAPH_AUTH_AUDIENCE (the bot app id) and/or ACS_AUTH_AUDIENCE ' +
        '(the ACS resource id); AUTH_MODE=none turns authentication off for local use',
    );
  }
  if (mode === 'none' && env['NODE_ENV' satisfies ConfigVariable] === 'production') {
    read.problems.push('AUTH_MODE=none is refused when NODE_ENV=production');
  }
  return {
    mode,
    ...(graph ? { graph } : {}),
    ...(acs ? { acs } : {}),
    ...(eventGrid ? { eventGrid } : {}),
    clockSkewSeconds: read.integer('AUTH_CLOCK_SKEW_SECONDS', 60, 0, 600),
    jwksCooldownSeconds: read.integer('AUTH_JWKS_COOLDOWN_SECONDS', 30, 0, 3600),
    apiKeys,
  };
};

const secretsKey = (read: EnvReader): AppConfig['secretsKey'] => {
  const raw = read.string('RECORDING_TOKEN_KEY', '');
  if (!raw) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    read.problems.push(
      'RECORDING_TOKEN_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
    );
    return undefined;
  }
  return { id: read.string('RECORDING_TOKEN_KEY_ID', 'k1'), key };
};

export const loadConfig = (env: Env = process.env): AppConfig => {
  const read = new EnvReader(env);
  const storeKind = read.oneOf<StoreKind>('STORE', 'embedded', ['embedded', 'esdb']);
  const connectionString = read.string('ESDB_CONNECTION_STRING', '');
  if (storeKind === 'esdb' && !connectionString) {
    read.problems.push(
      'ESDB_CONNECTION_STRING must be set when STORE=esdb (e.g. esdb://127.0.0.1:2113?tls=false)',
    );
  }
  const config: AppConfig = {
    http: {
      host: read.string('HTTP_HOST', '0.0.0.0'),
      port: read.integer('HTTP_PORT', 3000, 0, 65535),
      bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      requestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
      connectionTimeoutMs: read.integer('HTTP_CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
    },
    grpc: {
      host: read.string('GRPC_HOST', '0.0.0.0'),
      port: read.integer('GRPC_PORT', 5000, 0, 65535),
    },
    store:
      storeKind === 'esdb'
        ? { kind: 'esdb', connectionString }
        : { kind: 'embedded', path: read.string('STORE_PATH', './data/events.db') },
    readModelPath: read.string('READ_MODEL_PATH', './data/read-model.db'),
    projection: read.oneOf('PROJECTION', 'thread', ['thread', 'inline']),
    queryThreads: read.integer('QUERY_THREADS', 2, 0, 16),
    queryQueueLimit: read.integer('QUERY_QUEUE_LIMIT', 1000, 1, 1_000_000),
    deadlines: {
      checkIntervalMs: read.integer('DEADLINE_CHECK_INTERVAL_MS', 1000, 10, 3_600_000),
      bounds: {
        answerTimeoutMs: read.integer('ANSWER_TIMEOUT_MS', 15_000, 1, DAY_MS),
        policyRecordingAnswerTimeoutMs: read.integer(
          'POLICY_RECORDING_ANSWER_TIMEOUT_MS',
          5_000,
          1,
          DAY_MS,
        ),
        keepAliveMs: read.integer('KEEP_ALIVE_MS', 45 * 60_000, 1, DAY_MS),
        operationTimeoutMs: read.integer('OPERATION_TIMEOUT_MS', 5 * 60_000, 1, DAY_MS),
        operationTimeoutsMs: read.durations('OPERATION_TIMEOUTS'),
      },
    },
    kafka: kafkaConfig(read),
    auth: authConfig(read, env),
    secretsKey: secretsKey(read),
    logLevel: read.oneOf('LOG_LEVEL', 'log', ['error', 'warn', 'log', 'debug', 'verbose']),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
};

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
