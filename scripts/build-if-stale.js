#!/usr/bin/env node
/**
 * `nest build <project>` only when its sources changed since the last build: `npm start` and
 * `npm run cli` call it, so starting again costs a hash of the sources (tens of milliseconds)
 * instead of a webpack build.
 *
 *   node scripts/build-if-stale.js tracker|cli [--quiet]
 *
 * What counts as a source: every non-test .ts, .proto, .json and .js file under apps/ and libs/
 * (the CLI bundles parts of the service), the tsconfig, nest-cli and webpack files and
 * package-lock.json. Their
 * paths and contents are hashed; the hash of the last successful build is kept beside its output
 * (dist/apps/<project>/.build-hash), so a changed file, a branch switch or a new dependency
 * rebuilds, and nothing else does.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = join(__dirname, '..');
const PROJECTS = ['tracker', 'cli'];
const SOURCE_DIRS = ['apps', 'libs'];
const SOURCE_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
  'webpack.config.js',
  'webpack.cli.config.js',
  'scripts/build-if-stale.js',
];
const isSource = (name) =>
  (name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name)) ||
  name.endsWith('.proto') ||
  name.endsWith('.js') || // workers copied beside the bundle (embedded-writer.worker.js)
  name.endsWith('.json');

const walk = (dir, out) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'node_modules') walk(path, out);
    } else if (isSource(entry.name)) out.push(path);
  }
  return out;
};

/** The hash of everything a build reads. */
const sourceHash = (root = ROOT) => {
  const files = [
    ...SOURCE_DIRS.filter((dir) => existsSync(join(root, dir))).flatMap((dir) =>
      walk(join(root, dir), []),
    ),
    ...SOURCE_FILES.map((file) => join(root, file)).filter(existsSync),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
};

const nestBuild = (project, root) => {
  const nest = spawnSync(
    process.execPath,
    [require.resolve('@nestjs/cli/bin/nest.js'), 'build', project],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (nest.status !== 0) throw new Error(`nest build ${project} failed (exit ${nest.status})`);
};

/**
 * Builds the project when stale; returns whether a build ran. Throws when the build fails.
 * `root` and `build` are for the test of this logic.
 */
const buildIfStale = (project, { quiet = false, root = ROOT, build = nestBuild } = {}) => {
  if (!PROJECTS.includes(project)) throw new Error(`unknown project ${project}`);
  const out = join(root, 'dist/apps', project);
  const stamp = join(out, '.build-hash');
  const hash = sourceHash(root);
  const built =
    existsSync(join(out, 'main.js')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8').trim() === hash;
  if (built) {
    if (!quiet) process.stderr.write(`build: dist/apps/${project} is up to date\n`);
    return false;
  }
  process.stderr.write(`build: sources changed, building ${project} (nest build ${project})\n`);
  rmSync(stamp, { force: true }); // a failed build leaves no stamp behind
  build(project, root);
  writeFileSync(stamp, `${hash}\n`);
  return true;
};

module.exports = { buildIfStale, sourceHash };

if (require.main === module) {
  const [project, ...flags] = process.argv.slice(2);
  try {
    buildIfStale(project, { quiet: flags.includes('--quiet') });
  } catch (error) {
    process.stderr.write(`build: ${error.message}\n`);
    process.exit(1);
  }
}
