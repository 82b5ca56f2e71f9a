// One config, three tiers chosen by file name: *.spec.ts (unit, pure logic; also deploy/'s
// manifest checks and the bench's helpers),
// *.int-spec.ts (real components: embedded store, Kafka broker), test/*.e2e-spec.ts (whole service).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const moduleNameMapper = {
  '^@tracker/(domain|fanout)/testing$': '<rootDir>/libs/$1/src/testing',
  '^@tracker/(domain|event-store|call-stream|read-model|fanout|contracts|config)$':
    '<rootDir>/libs/$1/src',
};
const tier = (displayName, testRegex, extra = {}) => ({
  ...extra,
  displayName,
  rootDir: __dirname,
  testRegex,
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
});
module.exports = {
  projects: [
    tier('unit', '(apps|libs|deploy|bench)/.*\\.spec\\.ts$'),
    tier('int', '(apps|libs)/.*\\.int-spec\\.ts$'),
    // A whole-service test's hooks start and stop processes: a graceful stop waits up to 15 s
    // (test/support/service-process.ts; the publisher alone may take 5 s for the transaction in
    // flight), which Jest's default 5 s hook timeout would cut short (a suite failed once with all
    // its tests passed, on a busy machine: most likely that; not reproduced).
    tier('e2e', 'test/.*\\.e2e-spec\\.ts$', {
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
    }),
  ],
};
