import { spawnSync } from 'node:child_process';

// scripts/ is plain Node (it runs before anything is compiled); its promtool finder is shared.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPromtool } = require('../../scripts/promtool') as {
  findPromtool: () => string | undefined;
};

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments skipped). */
export const parseSamples = (text: string): Sample[] =>
  text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key, value]),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });

/** The value of the one sample with this name and (at least) these labels; undefined when none. */
export const sampleValue = (
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined =>
  samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

/** `promtool check metrics` on an exposition: its exit code and what it said. */
export const promtoolCheckMetrics = (text: string): { status: number | null; output: string } => {
  const promtool = findPromtool();
  if (!promtool) {
    throw new Error(
      'promtool is not installed: `npm test` installs it (scripts/promtool.js), or run `node scripts/promtool.js ensure`',
    );
  }
  const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords,
 * label names (in `{…}`, `by (…)`, `without (…)`) or strings. Grafana's `label_values(m, label)`
 * reads `m`.
 */
export const promqlMetricNames = (expr: string): string[] => {
  const stripped = expr
    .replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)[^)]*\)/g, ' $1 ')
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ') // Grafana variables
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .filter((m) => !/^\s*\(/.test(stripped.slice(m.index + m[0].length))) // a function call
    .map(([name]) => name)
    .filter((name) => !PROMQL_WORDS.has(name.toLowerCase()));
  return [...new Set(names)];
};
