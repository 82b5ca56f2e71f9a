// Test helpers for Kafka code (`@tracker/fanout/testing`): the real test broker, read-committed
// consumers, publisher fixtures. Spec files only.
export * from './kafka-test-kit';
export * from './publisher-fixtures';
