// `nest build tracker` bundles the service with webpack (see nest-cli.json). The read model's
// projection, its query threads, the Kafka publisher and the embedded store's writer run in worker threads, whose entries must be files
// of their own beside main.js (the code looks for them in `__dirname`; a nest-cli asset would land
// in embedded/writer/ instead).
const path = require('node:path');

/** The embedded store's writer thread, needed by every bundle that opens the embedded store. */
const EMBEDDED_WRITER_WORKER = {
  'embedded-writer.worker': path.resolve(
    __dirname,
    'libs/event-store/src/embedded/writer/embedded-writer.worker.js',
  ),
};

module.exports = (options) => ({
  ...options,
  entry: {
    main: options.entry,
    'projection-worker': path.resolve(
      __dirname,
      'apps/tracker/src/calls/projection/projection-worker.ts',
    ),
    'query-worker': path.resolve(__dirname, 'apps/tracker/src/query/threads/query-worker.ts'),
    'publisher-worker': path.resolve(
      __dirname,
      'apps/tracker/src/fanout/thread/publisher-worker.ts',
    ),
    ...EMBEDDED_WRITER_WORKER,
  },
  output: { ...options.output, filename: 'apps/tracker/[name].js' },
});
module.exports.EMBEDDED_WRITER_WORKER = EMBEDDED_WRITER_WORKER;
