export * from './proto-paths';
export * from './schemas';
