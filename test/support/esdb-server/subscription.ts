import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import type { EventLog, StoredEvent } from './event-log';
import type { CompiledFilter } from './filter';
import { readEventResponse, streamNameOf } from './wire';

/**
 * A catch-up subscription (Streams.Read with the subscription option), to one stream or to $all:
 * confirmation first, then the stored events after the starting point, a caught-up message, and
 * every new event live as it is written. Subscribing from a position or revision delivers what
 * follows it (exclusive), from the start everything, from the end only new events. Returns the
 * function that ends it (the server's stop()).
 */
export const subscribe = (
  call: ServerWritableStream<streams.ReadReq, streams.ReadResp>,
  log: EventLog,
  options: streams.ReadReq.Options,
  filter: CompiledFilter | undefined,
  structuredIds: boolean,
): (() => void) => {
  const stream = options.getStream();
  const source: () => readonly StoredEvent[] = stream
    ? () => log.stream(streamNameOf(stream.getStreamIdentifier()))
    : () => log.all;
  let cursor = startIndex(log, options);
  let closed = false;
  let pumping = false;
  let again = false;
  let caughtUpSent = false;
  let considered = 0;

  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        call.off('drain', done);
        call.off('close', done);
        resolve();
      };
      call.on('drain', done);
      call.on('close', done);
    });

  const pump = async () => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        const events = source();
        while (!closed && cursor < events.length) {
          const event = events[cursor++];
          considered += 1;
          let written = true;
          if (!filter || filter.passes(event)) {
            written = call.write(readEventResponse(event, structuredIds, !stream));
          } else if (considered % filter.checkpointEvery === 0) {
            // Filtered subscriptions report progress through events they skip, so a client can
            // checkpoint even when nothing it wants is written for a long time.
            written = call.write(
              new streams.ReadResp().setCheckpoint(
                new streams.ReadResp.Checkpoint()
                  .setCommitPosition(event.position.toString())
                  .setPreparePosition(event.position.toString()),
              ),
            );
          }
          if (!written) await waitForDrain();
        }
        if (!closed && !caughtUpSent) {
          // Sent by servers since 23.10; older ones go live without saying so.
          caughtUpSent = true;
          call.write(new streams.ReadResp().setCaughtUp(new streams.ReadResp.CaughtUp()));
        }
      } while (again && !closed);
    } finally {
      pumping = false;
    }
  };

  const unsubscribe = log.onWrite(() => void pump());
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
  };
  call.once('cancelled', close);
  call.once('close', close);
  call.write(
    new streams.ReadResp().setConfirmation(
      new streams.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()),
    ),
  );
  void pump();
  return close;
};

const startIndex = (log: EventLog, options: streams.ReadReq.Options): number => {
  const stream = options.getStream();
  if (stream) {
    const length = log.stream(streamNameOf(stream.getStreamIdentifier())).length;
    if (stream.hasStart()) return 0;
    if (stream.hasEnd()) return length;
    return Number(BigInt(stream.getRevision()) + 1n);
  }
  const all = options.getAll();
  if (!all || all.hasStart()) return 0;
  if (all.hasEnd()) return log.all.length;
  const position = all.getPosition()!;
  return log.indexAfter({
    commit: BigInt(position.getCommitPosition()),
    prepare: BigInt(position.getPreparePosition()),
  });
};
