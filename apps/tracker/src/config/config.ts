/**
 * Configuration comes from environment variables only. Every variable is documented in the README
 * with its default; a wrong value stops start-up with a message that names the variable.
 */
export type StoreKind = 'embedded' | 'esdb';

export interface AppConfig {
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly grpc: { readonly host: string; readonly port: number };
  readonly store:
    | { readonly kind: 'embedded'; readonly path: string }
    | { readonly kind: 'esdb'; readonly connectionString: string };
  readonly readModelPath: string;
  readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Collects every problem instead of stopping at the first, so one start-up shows them all. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    if (value === undefined || value === '') return fallback;
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }
}

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
    logLevel: read.oneOf('LOG_LEVEL', 'log', ['error', 'warn', 'log', 'debug', 'verbose']),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
};

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
