export * from './decider-spec';
export * from './fixtures';
export * from './inputs';
export * from './first-implementations';
