import { Counter, Histogram, Registry } from 'prom-client';
import type { CallStateFolder } from '@tracker/call-stream';
import { PUBLISH_STAGES } from '@tracker/fanout';
import { lagObserver } from '../metrics/lag-observer';
import type { PublishedTransaction } from './kafka-publisher-for';

/** A transaction's few ms on a healthy broker, to the seconds of one that is struggling. */
const TRANSACTION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The same, and the minutes an event waits to be read in a catch-up (after a restart or outage). */
const STAGE_BUCKETS = [...TRANSACTION_BUCKETS, 30, 60, 300, 900];

/** The publisher's counters and lag, registered only when fan-out is on (KAFKA_BROKERS). */
export const publishedObserver = (
  registry: Registry,
): ((published: PublishedTransaction) => void) => {
  const events = new Counter({
    name: 'tracker_fanout_published_events_total',
    help: 'Events published to Kafka by this process',
    registers: [registry],
  });
  const transactions = new Counter({
    name: 'tracker_fanout_transactions_total',
    help: 'Kafka transactions committed by this process',
    registers: [registry],
  });
  const lag = lagObserver(
    registry,
    'tracker_fanout_lag_seconds',
    'Time from storing an event (just before its 202) to committing its records to Kafka',
  );
  const transactionDuration = new Histogram({
    name: 'tracker_fanout_transaction_duration_seconds',
    help: "Each Kafka transaction's time from sending its records to the broker's answer to its commit",
    buckets: TRANSACTION_BUCKETS,
    registers: [registry],
  });
  const stageDuration = new Histogram({
    name: 'tracker_fanout_stage_seconds',
    help: "Where each transaction's first event waited, stage by stage, before the transaction was sent",
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS,
    registers: [registry],
  });
  return (published) => {
    const { createdMs, times } = published;
    events.inc(createdMs.length);
    transactions.inc();
    lag(published);
    transactionDuration.observe(times.transaction / 1000);
    for (const stage of PUBLISH_STAGES) stageDuration.observe({ stage }, times[stage] / 1000);
  };
};

/**
 * `tracker_fanout_state_handovers_total{result}` (KAFKA_PUBLISHER=inline; the publisher's own
 * thread always folds for itself): for each event the publisher mapped, whether the call state
 * after it came from the write side of this process (`hit`: folded once) or had to be folded again
 * (`miss`: appended by another process or before a restart, or evicted).
 */
export const registerHandOvers = (registry: Registry, folder: CallStateFolder): void => {
  new Counter({
    name: 'tracker_fanout_state_handovers_total',
    help: 'Events mapped to Kafka records with the state the write side reached (hit) or folded again (miss)',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const { hits, misses } = folder.handOverStats;
      this.reset();
      this.inc({ result: 'hit' }, hits);
      this.inc({ result: 'miss' }, misses);
    },
  });
};
