// `nest build cli` bundles the SRE command line into dist/apps/cli/main.js with Nest's own webpack
// settings; this file only keeps webpack.config.js (the service's worker entries) out of it. The
// embedded store's writer worker is copied beside the bundle as an asset (nest-cli.json).
module.exports = (options) => options;
