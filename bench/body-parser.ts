/**
 * Cost of the webhook body parser (`apps/tracker/src/http/json-body.ts`) next to the parser it
 * replaced (Fastify's default JSON parser, as Nest registered it), on a 1-KB and a 100-KB Graph
 * batch. Run: `npx ts-node --transpile-only -r tsconfig-paths/register bench/body-parser.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { parseJsonBody } from '../apps/tracker/src/http/json-body';

type Parse = (body: Buffer) => unknown;

const notification = (
  JSON.parse(
    readFileSync(join(__dirname, '../test/fixtures/graph/answer-incoming.json'), 'utf8'),
  ) as { value: unknown[] }
).value[0];

/** A Graph batch of copies of one notification, at least `bytes` long. */
const batchOf = (bytes: number): Buffer => {
  const value: unknown[] = [];
  let text = '';
  while (text.length < bytes) {
    value.push(notification);
    text = JSON.stringify({ value });
  }
  return Buffer.from(text);
};

const fastify = new FastifyAdapter().getInstance();
const defaultJson = fastify.getDefaultJsonParser('error', 'error');
const before: Parse = (body) => {
  let parsed: unknown;
  defaultJson({} as never, body as never, (error, value) => {
    if (error) throw error;
    parsed = value;
  });
  return parsed;
};
const after: Parse = (body) => parseJsonBody(body, 'application/json');

/** Microseconds per body, median of 15 rounds each; the rounds of the two alternate (shared cores). */
const compare = (parsers: readonly Parse[], body: Buffer): number[] => {
  const perRound = Math.max(50, Math.round(20_000_000 / body.length));
  const rounds = parsers.map(() => [] as number[]);
  for (const parse of parsers) for (let i = 0; i < perRound; i += 1) parse(body); // warm-up
  for (let round = 0; round < 15; round += 1) {
    parsers.forEach((parse, which) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < perRound; i += 1) parse(body);
      rounds[which].push(Number(process.hrtime.bigint() - started) / 1000 / perRound);
    });
  }
  return rounds.map((times) => times.sort((a, b) => a - b)[7]);
};

for (const size of [1_000, 100_000]) {
  const body = batchOf(size);
  const [old, now] = compare([before, after], body);
  const ratio = ((now / old - 1) * 100).toFixed(0);
  process.stdout.write(
    `${body.length} B: Fastify default ${old.toFixed(1)} µs, tracker parser ${now.toFixed(1)} µs ` +
      `(${Number(ratio) >= 0 ? '+' : ''}${ratio} %, ${(now - old).toFixed(1)} µs)\n`,
  );
}
