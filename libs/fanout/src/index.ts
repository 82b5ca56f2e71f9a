export * from './call-records';
export * from './fanout-record';
export * from './kafka-publisher';
export * from './progress';
export * from './topics';
export * from './transactions';
export * from './leadership';
