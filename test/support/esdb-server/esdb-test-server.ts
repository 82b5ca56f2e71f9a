/**
 * An EventStoreDB protocol test server: the part of the EventStoreDB 20+ gRPC client protocol that
 * `@eventstore/db-client` 6 uses (server features, Streams.Read/Append/BatchAppend, catch-up and
 * live subscriptions with filters), served from that package's own generated service definitions,
 * in memory. It can be stopped and started again on the same port, with or without its data, so
 * fault tests can take "EventStoreDB" away under load. It is test tooling, not EventStoreDB: see
 * README.md beside it for what it does not do and what only a real server can confirm.
 */
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import * as features from '@eventstore/db-client/generated/serverfeatures_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import * as rpc from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as WellKnownEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { EventLog, type AppendOutcome, type Expected, type StoredEvent } from './event-log';
import { subscribe } from './subscription';
import {
  expectedOf,
  MissingMetadataError,
  readEventResponse,
  sizeOnDisk,
  streamIdentifier,
  streamNameOf,
  toProposedEvent,
} from './wire';
import { compileFilter } from './filter';

export interface EsdbTestServerOptions {
  readonly host?: string;
  /** 0 (the default) picks a free port; a restart keeps the port it got. */
  readonly port?: number;
  /**
   * Advertise Streams.BatchAppend (EventStoreDB 21.10+), which the client then uses for every
   * append; false makes the client fall back to the older client-streaming Streams.Append.
   */
  readonly batchAppend?: boolean;
  /** EventStoreDB's default maximum append size: 1 MiB. */
  readonly maxAppendSize?: number;
}

/** The version the server reports; the suffix says what it is. */
export const SERVER_VERSION = '23.10.0-protocol-test-server';

const STREAMS_SERVICE = 'event_store.client.streams.streams';

export class EsdbTestServer {
  /** The data; replaced by start({ keepData: false }). */
  log = new EventLog();
  private server?: Server;
  private boundPort: number;
  private readonly closeOnStop = new Set<() => void>();
  /** Counts of requests served, by method: lets tests see which protocol path the client took. */
  readonly calls = { read: 0, subscribe: 0, append: 0, batchAppend: 0 };
  /** Append outcomes: written, idempotent (already stored) and refused for a wrong revision. */
  readonly appends = { written: 0, alreadyStored: 0, wrongExpectedVersion: 0 };

  private constructor(private readonly options: EsdbTestServerOptions) {
    this.boundPort = options.port ?? 0;
  }

  static async start(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
    const server = new EsdbTestServer(options);
    await server.listen();
    return server;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** How the client connects: a single node, no TLS (the tracker's STORE=esdb setting). */
  get connectionString(): string {
    return `esdb://${this.host}:${this.port}?tls=false`;
  }

  /**
   * Takes the server away like a crashed node: open calls (subscriptions, reads, appends) end at
   * once with a transport error and new connections are refused.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const close of [...this.closeOnStop]) close();
    this.closeOnStop.clear();
    server?.forceShutdown();
  }

  /** Starts again on the same port, with the data it had (or an empty log). */
  async start({ keepData = true }: { keepData?: boolean } = {}): Promise<void> {
    if (this.server) return;
    if (!keepData) this.log = new EventLog();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<streams.ReadReq, streams.ReadResp>) => this.read(call),
      append: (
        call: ServerReadableStream<streams.AppendReq, streams.AppendResp>,
        callback: sendUnaryData<streams.AppendResp>,
      ) => this.append(call, callback),
      batchAppend: (call: ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>) =>
        this.batchAppend(call),
      // Delete and Tombstone are not served: the client gets UNIMPLEMENTED.
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (
        _call: ServerUnaryCall<shared.Empty, features.SupportedMethods>,
        callback: sendUnaryData<features.SupportedMethods>,
      ) => callback(null, this.supportedMethods()),
    });
    // A port just released by a stopped server can take a moment to be free again.
    for (let attempt = 1; ; attempt++) {
      try {
        this.boundPort = await new Promise<number>((resolve, reject) =>
          server.bindAsync(
            `${this.host}:${this.boundPort}`,
            ServerCredentials.createInsecure(),
            (error, port) => (error ? reject(error) : resolve(port)),
          ),
        );
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    this.server = server;
  }

  private supportedMethods(): features.SupportedMethods {
    const method = (service: string, name: string, ...featureList: string[]) =>
      new features.SupportedMethod()
        .setServiceName(service)
        .setMethodName(name)
        .setFeaturesList(featureList);
    const methods = [
      method(STREAMS_SERVICE, 'read', 'position', 'events'),
      method(STREAMS_SERVICE, 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    if (this.options.batchAppend ?? true) methods.push(method(STREAMS_SERVICE, 'batchappend'));
    return new features.SupportedMethods()
      .setMethodsList(methods)
      .setEventStoreServerVersion(SERVER_VERSION);
  }

  // --- Streams.Read: reads and subscriptions ----------------------------------------------------

  private read(call: ServerWritableStream<streams.ReadReq, streams.ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) return void call.emit('error', invalidArgument('read options missing'));
    const Options = streams.ReadReq.Options;
    const structuredIds =
      options.getUuidOption()?.getContentCase() === Options.UUIDOption.ContentCase.STRUCTURED;
    const filter = compileFilter(options);
    if (options.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION) {
      this.calls.subscribe += 1;
      const close = subscribe(call, this.log, options, filter, structuredIds);
      this.closeOnStop.add(close);
      call.once('close', () => this.closeOnStop.delete(close));
      return;
    }
    this.calls.read += 1;
    const direction = options.getReadDirection() === 1 ? 'backwards' : 'forwards';
    const count = BigInt(options.getCount() || '0');
    let events: readonly StoredEvent[];
    const stream = options.getStream();
    if (stream) {
      const name = streamNameOf(stream.getStreamIdentifier());
      const from =
        stream.getRevisionOptionCase() === Options.StreamOptions.RevisionOptionCase.REVISION
          ? BigInt(stream.getRevision())
          : stream.hasEnd()
            ? 'end'
            : 'start';
      const read = this.log.readStream(name, from, direction, count);
      if (read === 'not_found') {
        call.write(
          new streams.ReadResp().setStreamNotFound(
            new streams.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name)),
          ),
        );
        return void call.end();
      }
      events = read;
    } else {
      const all = options.getAll();
      if (!all)
        return void call.emit('error', invalidArgument('read of neither a stream nor $all'));
      const position = all.getPosition();
      const from = position
        ? {
            commit: BigInt(position.getCommitPosition()),
            prepare: BigInt(position.getPreparePosition()),
          }
        : all.hasEnd()
          ? 'end'
          : 'start';
      // A filtered read counts the events that pass the filter.
      events = filter
        ? this.log
            .readAll(from, direction, BigInt(this.log.all.length))
            .filter(filter.passes)
            .slice(0, Number(count))
        : this.log.readAll(from, direction, count);
    }
    void writeAll(call, events, (event) =>
      readEventResponse(event, structuredIds, stream === undefined),
    );
  }

  // --- Streams.Append (client streaming; the path of servers before 21.10) -----------------------

  private append(
    call: ServerReadableStream<streams.AppendReq, streams.AppendResp>,
    callback: sendUnaryData<streams.AppendResp>,
  ): void {
    this.calls.append += 1;
    let options: streams.AppendReq.Options | undefined;
    const proposed: ReturnType<typeof toProposedEvent>[] = [];
    let failure: ServiceError | undefined;
    call.on('data', (request: streams.AppendReq) => {
      if (failure) return;
      try {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage()) {
          proposed.push(toProposedEvent(request.getProposedMessage()!));
          const size = proposed.reduce((sum, event) => sum + sizeOnDisk(event), 0);
          if (size > this.maxAppendSize) failure = maxAppendSizeExceeded(this.maxAppendSize);
        }
      } catch (error) {
        failure =
          error instanceof MissingMetadataError
            ? missingMetadata(error.property)
            : invalidArgument((error as Error).message);
      }
    });
    call.on('error', () => undefined); // the client went away; nothing to answer
    call.on('end', () => {
      if (failure) return callback(failure);
      if (!options) return callback(invalidArgument('append options missing'));
      const name = streamNameOf(options.getStreamIdentifier());
      const expected = expectedOf({
        hasAny: () => options!.hasAny(),
        hasNoStream: () => options!.hasNoStream(),
        hasStreamExists: () => options!.hasStreamExists(),
        revision: () => (options!.hasRevision() ? options!.getRevision() : undefined),
      });
      callback(null, appendResponse(this.appendCounted(name, expected, proposed), expected));
    });
  }

  // --- Streams.BatchAppend (bidirectional; 21.10+) -----------------------------------------------

  private batchAppend(call: ServerDuplexStream<streams.BatchAppendReq, streams.BatchAppendResp>) {
    this.calls.batchAppend += 1;
    interface Pending {
      readonly name: string;
      readonly expected: Expected;
      readonly events: ReturnType<typeof toProposedEvent>[];
      size: number;
    }
    const pending = new Map<string, Pending>();
    const answer = (request: streams.BatchAppendReq, name: string) =>
      new streams.BatchAppendResp()
        .setCorrelationId(request.getCorrelationId())
        .setStreamIdentifier(streamIdentifier(name));
    call.on('data', (request: streams.BatchAppendReq) => {
      const key = request.getCorrelationId()?.getString() ?? '';
      let name = '';
      try {
        const options = request.getOptions();
        if (options) {
          name = streamNameOf(options.getStreamIdentifier());
          pending.set(key, {
            name,
            expected: expectedOf({
              hasAny: () => options.hasAny(),
              hasNoStream: () => options.hasNoStream(),
              hasStreamExists: () => options.hasStreamExists(),
              revision: () =>
                options.hasStreamPosition() ? options.getStreamPosition() : undefined,
            }),
            events: [],
            size: 0,
          });
        }
        const write = pending.get(key);
        if (!write) return; // a batch already answered (e.g. too large): the rest is dropped
        name = write.name;
        for (const message of request.getProposedMessagesList()) {
          const event = toProposedEvent(message);
          write.events.push(event);
          write.size += sizeOnDisk(event);
        }
        if (write.size > this.maxAppendSize) {
          pending.delete(key);
          call.write(
            answer(request, name).setError(
              rpcStatus(3, 'MaximumAppendSizeExceeded', 'MaximumAppendSizeExceeded', (message) =>
                message.setMaxappendsize(this.maxAppendSize),
              ),
            ),
          );
          return;
        }
        if (!request.getIsFinal()) return;
        pending.delete(key);
        const outcome = this.appendCounted(write.name, write.expected, write.events);
        call.write(batchAppendResponse(answer(request, name), outcome, write.expected));
      } catch (error) {
        pending.delete(key);
        // EventStoreDB answers a request it cannot read with a BadRequest status, not a call error.
        call.write(
          answer(request, name).setError(
            rpcStatus(3, 'BadRequest', 'BadRequest', (message) =>
              message.setMessage((error as Error).message),
            ),
          ),
        );
      }
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  }

  private appendCounted(...args: Parameters<EventLog['append']>): ReturnType<EventLog['append']> {
    const outcome = this.log.append(...args);
    if (outcome.kind === 'wrong_expected_version') this.appends.wrongExpectedVersion += 1;
    else if (outcome.written > 0) this.appends.written += 1;
    else if (args[2].length > 0) this.appends.alreadyStored += 1;
    return outcome;
  }

  private get maxAppendSize(): number {
    return this.options.maxAppendSize ?? 1024 * 1024;
  }
}

/** Writes the events as read responses, honouring back-pressure, then ends the call. */
const writeAll = async (
  call: ServerWritableStream<streams.ReadReq, streams.ReadResp>,
  events: readonly StoredEvent[],
  toResponse: (event: StoredEvent) => streams.ReadResp,
): Promise<void> => {
  let cancelled = false;
  const onCancelled = () => (cancelled = true);
  call.once('cancelled', onCancelled);
  for (const event of events) {
    if (cancelled) return;
    if (!call.write(toResponse(event))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          call.off('cancelled', done);
          resolve();
        };
        call.on('drain', done);
        call.on('cancelled', done);
      });
    }
  }
  call.off('cancelled', onCancelled);
  if (!cancelled) call.end();
};

const appendResponse = (outcome: AppendOutcome, expected: Expected): streams.AppendResp => {
  const response = new streams.AppendResp();
  if (outcome.kind === 'success') {
    const success = new streams.AppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new shared.Empty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    // Servers 20.6+ report the log position of the last event, also for an idempotent append
    // (the events' existing position); only a write that found its stream deleted reports none.
    if (outcome.position === undefined) success.setNoPosition(new shared.Empty());
    else
      success.setPosition(
        new streams.AppendResp.Position()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    return response.setSuccess(success);
  }
  const wrong = new streams.AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision === undefined) wrong.setCurrentNoStream(new shared.Empty());
  else wrong.setCurrentRevision(outcome.currentRevision.toString());
  switch (expected.kind) {
    case 'any':
      wrong.setExpectedAny(new shared.Empty());
      break;
    case 'stream_exists':
      wrong.setExpectedStreamExists(new shared.Empty());
      break;
    case 'no_stream':
      // Some server versions put -1 as a revision (2^64-1) here instead; the client reads both.
      wrong.setExpectedNoStream(new shared.Empty());
      break;
    case 'revision':
      wrong.setExpectedRevision(expected.revision.toString());
      break;
    default:
      return expected satisfies never;
  }
  return response.setWrongExpectedVersion(wrong);
};

const batchAppendResponse = (
  response: streams.BatchAppendResp,
  outcome: AppendOutcome,
  expected: Expected,
): streams.BatchAppendResp => {
  if (outcome.kind === 'success') {
    const success = new streams.BatchAppendResp.Success();
    if (outcome.currentRevision === undefined) success.setNoStream(new WellKnownEmpty());
    else success.setCurrentRevision(outcome.currentRevision.toString());
    if (outcome.position === undefined) success.setNoPosition(new WellKnownEmpty());
    else
      success.setPosition(
        new shared.AllStreamPosition()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    return response.setSuccess(success);
  }
  // google.rpc.Status ALREADY_EXISTS with event_store.client.WrongExpectedVersion as its details.
  return response.setError(
    rpcStatus(6, 'WrongExpectedVersion', 'WrongExpectedVersion', () => {
      const details = new shared.WrongExpectedVersion();
      if (outcome.currentRevision === undefined) details.setCurrentNoStream(new WellKnownEmpty());
      else details.setCurrentStreamRevision(outcome.currentRevision.toString());
      switch (expected.kind) {
        case 'any':
          details.setExpectedAny(new WellKnownEmpty());
          break;
        case 'stream_exists':
          details.setExpectedStreamExists(new WellKnownEmpty());
          break;
        case 'no_stream':
          details.setExpectedNoStream(new WellKnownEmpty());
          break;
        case 'revision':
          details.setExpectedStreamPosition(expected.revision.toString());
          break;
        default:
          return expected satisfies never;
      }
      return details;
    }),
  );
};

/** Detail messages of google.rpc.Status, by their type name in event_store.client. */
interface DetailTypes {
  WrongExpectedVersion: shared.WrongExpectedVersion;
  MaximumAppendSizeExceeded: shared.MaximumAppendSizeExceeded;
  BadRequest: shared.BadRequest;
}

const rpcStatus = <K extends keyof DetailTypes>(
  code: number,
  message: string,
  detailType: K,
  fill: (detail: DetailTypes[K]) => unknown,
): rpc.Status => {
  const Detail = shared[detailType] as unknown as new () => DetailTypes[K];
  const detail = new Detail();
  const filled = (fill(detail) as DetailTypes[K] | undefined) ?? detail;
  const details = new Any();
  details.pack(filled.serializeBinary(), `event_store.client.${detailType}`);
  return new rpc.Status().setCode(code).setMessage(message).setDetails(details);
};

/** A call error carrying EventStoreDB's `exception` trailer, which the client maps to its types. */
const serviceError = (code: status, details: string, trailers: Record<string, string>) => {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata }) as ServiceError;
};

const invalidArgument = (details: string) => serviceError(status.INVALID_ARGUMENT, details, {});

const maxAppendSizeExceeded = (max: number) =>
  serviceError(status.INVALID_ARGUMENT, `Maximum Append Size of ${max} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(max),
  });

const missingMetadata = (property: string) =>
  serviceError(status.INVALID_ARGUMENT, `Required metadata property ${property} is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': property,
  });
