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
const tier = (displayName, testRegex) => ({
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
    tier('e2e', 'test/.*\\.e2e-spec\\.ts$'),
  ],
};
