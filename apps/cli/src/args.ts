/** A mistake in how the command was called: reported on one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure while running a well-formed command: reported on one line, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface FlagSpec {
  /** `true` for a flag that takes a value (`--at <time>`), `false` for a switch (`--json`). */
  readonly [name: string]: boolean;
}

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | true>>;
}

/**
 * A small argv parser: `--name value`, `--name=value`, `--switch`, and `--` to end the flags.
 * Unknown flags and missing values are usage errors.
 */
export const parseArgs = (argv: readonly string[], spec: FlagSpec): ParsedArgs => {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!(name in spec)) throw new UsageError(`unknown option --${name}`);
    if (spec[name]) {
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
        throw new UsageError(`option --${name} needs a value`);
      }
      flags[name] = value;
    } else {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
    }
  }
  return { positionals, flags };
};

export const stringFlag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
};

/** A whole number within [min, max], or undefined when the option is absent. */
export const integerFlag = (
  args: ParsedArgs,
  name: string,
  min: number,
  max: number,
): number | undefined => {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${text}")`);
  }
  return value;
};

export const expectPositionals = (
  args: ParsedArgs,
  count: number,
  usage: string,
): readonly string[] => {
  if (args.positionals.length !== count) {
    throw new UsageError(
      args.positionals.length < count
        ? `missing argument; usage: ${usage}`
        : `unexpected argument "${args.positionals[count]}"; usage: ${usage}`,
    );
  }
  return args.positionals;
};

/** An ISO 8601 instant, e.g. `2024-05-01T10:00:00Z`. */
export const parseInstant = (text: string, option: string): number => {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${option} must be an ISO time such as 2024-05-01T10:00:00Z (got "${text}")`,
    );
  }
  return ms;
};
