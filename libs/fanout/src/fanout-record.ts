/** One Kafka record the publisher writes. `value: null` would be a tombstone on a compacted topic. */
export interface FanoutRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TopicSpec {
  readonly name: string;
  /** Compacted topics keep the latest value per key: the state topics. */
  readonly compacted: boolean;
  readonly partitions: number;
}
