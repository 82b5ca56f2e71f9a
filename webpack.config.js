// `nest build tracker` bundles the service with webpack (see nest-cli.json). The read model's
// projection runs in a worker thread, whose entry must be a file of its own beside main.js.
const path = require('node:path');

module.exports = (options) => ({
  ...options,
  entry: {
    main: options.entry,
    'projection-worker': path.resolve(
      __dirname,
      'apps/tracker/src/calls/projection/projection-worker.ts',
    ),
  },
  output: { ...options.output, filename: 'apps/tracker/[name].js' },
});
