/**
 * The SRE command line: `npm run cli -- <command>`. Same store and configuration (environment
 * variables) as the service. Results go to stdout, progress bars and errors to stderr; exit code 2
 * for a usage error, 1 for a failure while running.
 */
import { EventStore } from '@tracker/event-store';
import type { AppConfig } from '@tracker/config';
import {
  CliError,
  expectPositionals,
  FlagSpec,
  integerFlag,
  ParsedArgs,
  parseArgs,
  parseInstant,
  stringFlag,
  UsageError,
} from './args';
import { cliConfig, openStore } from './context';
import { exportEvents, importEvents } from './commands/export-import';
import { callIdArgument, readCall, renderTable, stateAt, timeline } from './commands/history';
import { defaultRebuildThreads, lockForRebuild, rebuild } from './rebuild/rebuild';
import { parseFrom, republish } from './commands/republish';

const HELP = `Usage: npm run cli -- <command> [options]

Commands:
  replay <callId> [--json]                     the call's timeline: one row per stored event with
                                               what arrived, what was decided and the call state after it
  state <callId> --at <ISO time>               the call and its operations as they stood at that time (JSON)
  rebuild [--projection calls] [--force] [--threads N]
                                               reset the read model and project the whole store again;
                                               refused (exit 2) while a service holds the read model,
                                               unless --force; an embedded store is folded on N threads
                                               (default: one per core, up to 4; 0: in the main thread)
  republish --from <position|ISO time> [--call <callId>]
                                               publish stored events to Kafka again (needs KAFKA_BROKERS);
                                               the service publisher's progress does not move
  import <file.ndjson>                         append exported events at their revisions (idempotent)
  export <callId|--all> [--out <file>]         stored events as NDJSON (stdout by default)

Options:
  --help                                       this text

Configuration is the service's: STORE, STORE_PATH, ESDB_CONNECTION_STRING, READ_MODEL_PATH, KAFKA_*.
Exit codes: 0 ok, 1 failure, 2 usage or configuration error, or refused (rebuild under a service).
`;

interface Command {
  readonly flags: FlagSpec;
  readonly usage: string;
  /** Whether the command needs an existing store (reading commands do). */
  readonly readsStore: boolean;
  run(args: ParsedArgs, config: AppConfig, store: EventStore): Promise<void>;
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const info = (text: string) => process.stderr.write(`${text}\n`);
const json = (value: unknown) => JSON.stringify(value, null, 2);

const commands: Record<string, Command> = {
  replay: {
    flags: { json: false },
    usage: 'replay <callId> [--json]',
    readsStore: true,
    async run(args, _config, store) {
      const [raw] = expectPositionals(args, 1, this.usage);
      const rows = timeline(await readCall(store, callIdArgument(raw)));
      out(args.flags.json ? JSON.stringify(rows) : renderTable(rows));
    },
  },
  state: {
    flags: { at: true },
    usage: 'state <callId> --at <ISO time>',
    readsStore: true,
    async run(args, _config, store) {
      const [raw] = expectPositionals(args, 1, this.usage);
      const at = stringFlag(args, 'at');
      if (!at) throw new UsageError(`--at is required; usage: ${this.usage}`);
      const atMs = parseInstant(at, '--at');
      out(json(stateAt(await readCall(store, callIdArgument(raw)), atMs)));
    },
  },
  rebuild: {
    flags: { projection: true, force: false, threads: true },
    usage: 'rebuild [--projection calls] [--force] [--threads N]',
    readsStore: true,
    async run(args, config, store) {
      expectPositionals(args, 0, this.usage);
      const projection = stringFlag(args, 'projection') ?? 'calls';
      if (projection !== 'calls')
        throw new UsageError(`unknown projection "${projection}" (known: calls)`);
      const lock = lockForRebuild(config.readModelPath, args.flags.force === true, info);
      try {
        info(`rebuilding the read model at ${config.readModelPath}`);
        const threads = integerFlag(args, 'threads', 0, 64) ?? defaultRebuildThreads();
        const s = await rebuild(config, store, { threads });
        out(
          `rebuilt projection ${s.projection}: ${s.events} events, ${s.calls} calls in ${s.seconds.toFixed(2)} s (${s.eventsPerSecond} events/s, ${s.foldThreads === 0 ? 'folded in order' : `${s.foldThreads} fold thread${s.foldThreads === 1 ? '' : 's'}`})`,
        );
      } finally {
        lock?.release();
      }
    },
  },
  republish: {
    flags: { from: true, call: true },
    usage: 'republish --from <position|ISO time> [--call <callId>]',
    readsStore: true,
    async run(args, config, store) {
      expectPositionals(args, 0, this.usage);
      const fromText = stringFlag(args, 'from');
      if (!fromText) throw new UsageError(`--from is required; usage: ${this.usage}`);
      const from = parseFrom(fromText);
      const call = stringFlag(args, 'call');
      const callId = call === undefined ? undefined : callIdArgument(call);
      if (!config.kafka)
        throw new UsageError(
          'KAFKA_BROKERS is not set: republish needs the Kafka brokers (host:port)',
        );
      const s = await republish(config, store, from, callId);
      out(
        s.events === 0
          ? 'republished nothing: no stored event matches'
          : `republished ${s.events} events (${s.records} records, ${s.transactions} transactions, positions ${s.firstPosition}..${s.lastPosition}) in ${s.seconds.toFixed(2)} s`,
      );
    },
  },
  import: {
    flags: {},
    usage: 'import <file.ndjson>',
    readsStore: false,
    async run(args, _config, store) {
      const [file] = expectPositionals(args, 1, this.usage);
      const s = await importEvents(store, file);
      out(
        `imported ${s.imported} events, skipped ${s.skipped} already stored (${s.streams} streams)`,
      );
    },
  },
  export: {
    flags: { all: false, out: true },
    usage: 'export <callId|--all> [--out <file>]',
    readsStore: true,
    async run(args, _config, store) {
      const all = args.flags.all === true;
      const positionals = expectPositionals(args, all ? 0 : 1, this.usage);
      const file = stringFlag(args, 'out');
      const count = await exportEvents(
        store,
        all ? 'all' : { callId: callIdArgument(positionals[0]) },
        file,
      );
      if (file) info(`exported ${count} events to ${file}`);
    },
  },
};

export const main = async (argv: readonly string[]): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command "${name}" (try --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    out(`Usage: npm run cli -- ${command.usage}`);
    return 0;
  }
  const args = parseArgs(rest, command.flags);
  const config = cliConfig();
  const store = await openStore(config, { mustExist: command.readsStore });
  try {
    await command.run(args, config, store);
  } finally {
    await store.close();
  }
  return 0;
};

const oneLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, '; ');

if (require.main === module) {
  // A closed pipe (`… | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usage = error instanceof UsageError;
      const prefix = usage || error instanceof CliError ? 'error' : 'error (unexpected)';
      process.stderr.write(`${prefix}: ${oneLine(error)}\n`);
      process.exitCode = usage ? 2 : 1;
    },
  );
}
