// Spec-only helper (testing/ is left out of the build): reads the sample payloads.
// eslint-disable-next-line no-restricted-imports -- specs may read fixture files; the domain may not
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's copy of the sample payloads (see test/fixtures/README.md). */
const fixturesDir = (): string => resolve(__dirname, '../../../../test/fixtures');

export const fixture = (relativePath: string): unknown =>
  JSON.parse(readFileSync(join(fixturesDir(), relativePath), 'utf8'));

/** A deep copy to tweak a fixture for a variant without touching the shared one. */
export const fixtureCopy = <T = Record<string, unknown>>(relativePath: string): T =>
  fixture(relativePath) as T;
