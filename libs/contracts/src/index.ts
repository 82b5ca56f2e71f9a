export * from './proto-descriptors';
export * from './proto-paths';
export * from './schemas';
