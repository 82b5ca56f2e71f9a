#!/usr/bin/env node
/**
 * Clients nobody on the team wrote, which the end-to-end tests drive: Python gRPC (server
 * reflection and generated stubs), protoc, and kcat. All come from Debian's packages. Called by
 * scripts/run-tests.js before jest; `node scripts/test-tools.js` runs it alone.
 *
 * When one is missing and we are root (CI, a fresh machine) it runs `apt-get update` and
 * `apt-get install`; otherwise it prints the command to run and carries on, and the tests that
 * need the tool fail naming it.
 */
const { spawnSync } = require('node:child_process');

/** Debian's own Python: the Debian python3-* packages install for it, not for a pyenv or venv. */
const PYTHON = '/usr/bin/python3';

const TOOLS = [
  {
    what: 'Python gRPC and protobuf',
    packages: ['python3-grpcio', 'python3-protobuf'],
    check: [PYTHON, ['-c', 'import grpc, google.protobuf']],
  },
  {
    what: 'protoc and the gRPC Python plugin',
    packages: ['protobuf-compiler', 'protobuf-compiler-grpc'],
    check: ['sh', ['-c', 'protoc --version && test -x /usr/bin/grpc_python_plugin']],
  },
  { what: 'kcat', packages: ['kcat'], check: ['kcat', ['-V']] },
];

const works = ([command, args]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

const ensureTestTools = () => {
  const missing = TOOLS.filter((tool) => !works(tool.check));
  if (missing.length === 0) return true;
  const packages = missing.flatMap((tool) => tool.packages);
  const names = missing.map((tool) => tool.what).join(', ');
  if (process.getuid?.() !== 0) {
    process.stdout.write(
      `test-tools: missing ${names}; install them with: sudo apt-get install -y ${packages.join(' ')}\n`,
    );
    return false;
  }
  process.stdout.write(`test-tools: installing ${names} (${packages.join(' ')}) with apt-get\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  apt(['update', '-qq']);
  const install = apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const stillMissing = TOOLS.filter((tool) => !works(tool.check));
  if (install.status !== 0 || stillMissing.length > 0) {
    process.stdout.write(
      `test-tools: apt-get install failed; still missing: ${stillMissing.map((t) => t.what).join(', ')}\n`,
    );
    return false;
  }
  return true;
};

module.exports = { ensureTestTools, PYTHON };

if (require.main === module) process.exit(ensureTestTools() ? 0 : 1);
