// The service's configuration lives in @tracker/config, shared with the CLI.
export * from '@tracker/config';
