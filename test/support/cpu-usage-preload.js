// Preloaded with `node -r` by test/build.e2e-spec.ts: writes the process's CPU time (user + system,
// in ms) to $CPU_USAGE_FILE when it exits, which a busy machine inflates far less than wall time.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  writeFileSync(process.env.CPU_USAGE_FILE, String((user + system) / 1000));
});
