// Spec-only helper (testing/ is left out of the build): reads the shared sample payloads.
// eslint-disable-next-line no-restricted-imports -- specs may read fixture files; the domain may not
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `shared/fixtures` beside the checkout (as CI lays it out), or `TRACKER_FIXTURES_DIR`. */
const fixturesDir = (): string => {
  const configured = process.env.TRACKER_FIXTURES_DIR;
  if (configured) return configured;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`no shared/fixtures above ${__dirname}: set TRACKER_FIXTURES_DIR`);
    }
  }
};

export const fixture = (relativePath: string): unknown =>
  JSON.parse(readFileSync(join(fixturesDir(), relativePath), 'utf8'));

/** A deep copy to tweak a fixture for a variant without touching the shared one. */
export const fixtureCopy = <T = Record<string, unknown>>(relativePath: string): T =>
  fixture(relativePath) as T;
