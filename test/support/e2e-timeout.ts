// Hooks and tests without a timeout of their own get 20 s: see jest.config.js. (A project's
// `testTimeout` is not applied by Jest 30 here; `jest.setTimeout` in a setup file is.)
jest.setTimeout(20_000);
