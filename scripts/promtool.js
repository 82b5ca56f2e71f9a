'use strict';
// Finds promtool (Prometheus's checker, for `promtool check metrics` in the tests), installing it
// from Debian's `prometheus` package when missing. Node builtins only.
//
//   const { ensurePromtool, findPromtool } = require('./promtool');
//   const path = ensurePromtool();   // installs when missing (apt-get update, then the package)
//   const path = findPromtool();     // undefined when missing
//
// CLI: node scripts/promtool.js ensure|where
//
// Why not `apt-get install prometheus`: its postinst starts a Prometheus server (/etc/init.d) on
// :9090, a daemon no test wants. The package is downloaded with apt and only its promtool binary
// (linked against libc alone) is unpacked, into .tools/bin/, which git ignores.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const LOCAL = path.resolve(__dirname, '..', '.tools', 'bin', 'promtool');

const runs = (file, args) => spawnSync(file, args, { stdio: 'ignore' }).status === 0;

/** promtool on PATH, or the one unpacked here before; undefined when neither runs. */
function findPromtool() {
  if (runs('promtool', ['--version'])) return 'promtool';
  if (fs.existsSync(LOCAL) && runs(LOCAL, ['--version'])) return LOCAL;
  return undefined;
}

function step(command, args, options = {}) {
  process.stderr.write(`promtool: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(
      `promtool: '${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`}); ` +
        'install Debian\'s "prometheus" package or put promtool on PATH',
    );
  }
}

/** Path of a working promtool, unpacking Debian's package into .tools/bin/ when none is found. */
function ensurePromtool() {
  const found = findPromtool();
  if (found) return found;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  fs.chmodSync(work, 0o777); // apt downloads as its sandbox user, _apt
  try {
    step('apt-get', ['update', '-qq']);
    step('apt-get', ['download', '-qq', 'prometheus'], { cwd: work });
    const deb = fs.readdirSync(work).find((name) => /^prometheus_.*\.deb$/.test(name));
    if (!deb) throw new Error('promtool: apt-get download left no prometheus_*.deb');
    step('dpkg-deb', ['-x', deb, 'root'], { cwd: work });
    fs.mkdirSync(path.dirname(LOCAL), { recursive: true });
    fs.copyFileSync(path.join(work, 'root', 'usr', 'bin', 'promtool'), LOCAL);
    fs.chmodSync(LOCAL, 0o755);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (!runs(LOCAL, ['--version'])) throw new Error(`promtool: ${LOCAL} does not run`);
  return LOCAL;
}

module.exports = { ensurePromtool, findPromtool };

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'ensure') process.stdout.write(`${ensurePromtool()}\n`);
  else if (command === 'where') {
    const found = findPromtool();
    process.stdout.write(`${found ?? 'promtool not found'}\n`);
    process.exit(found ? 0 : 1);
  } else {
    process.stderr.write('usage: node scripts/promtool.js ensure|where\n');
    process.exit(2);
  }
}
