// `nest build cli` bundles the SRE command line into dist/apps/cli with Nest's own webpack
// settings plus the embedded store's writer thread and the rebuild's fold thread beside main.js
// (see webpack.config.js); it keeps the service's projection worker out.
const path = require('path');
const { EMBEDDED_WRITER_WORKER } = require('./webpack.config');

module.exports = (options) => ({
  ...options,
  entry: {
    main: options.entry,
    ...EMBEDDED_WRITER_WORKER,
    'rebuild-worker': path.resolve(__dirname, 'apps/cli/src/rebuild/rebuild-worker.ts'),
  },
  output: { ...options.output, filename: 'apps/cli/[name].js' },
});
