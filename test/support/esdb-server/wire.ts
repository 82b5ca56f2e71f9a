/**
 * Conversions between the EventStoreDB gRPC messages (the client package's own generated classes,
 * so the bytes on the wire are the real protocol's) and the test server's log.
 */
import * as shared from '@eventstore/db-client/generated/shared_pb';
import * as streams from '@eventstore/db-client/generated/streams_pb';
import type { Expected, ProposedEvent, StoredEvent } from './event-log';

export const streamNameOf = (identifier: shared.StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export const streamIdentifier = (name: string): shared.StreamIdentifier =>
  new shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INT64 = 2n ** 64n;

/** A UUID in either wire form, as lower-case text; throws on anything else (a bad request). */
export const uuidText = (uuid: shared.UUID | undefined): string => {
  if (!uuid) throw new Error('event id missing');
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const hex = [structured.getMostSignificantBits(), structured.getLeastSignificantBits()]
      .map((bits) => ((BigInt(bits) + INT64) % INT64).toString(16).padStart(16, '0'))
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  if (!UUID_TEXT.test(text)) throw new Error(`"${uuid.getString()}" is not a UUID`);
  return text;
};

const toSigned64 = (value: bigint) => (value >= 2n ** 63n ? value - INT64 : value);

export const uuidMessage = (text: string, structured: boolean): shared.UUID => {
  if (!structured) return new shared.UUID().setString(text);
  const hex = text.replace(/-/g, '');
  return new shared.UUID().setStructured(
    new shared.UUID.Structured()
      .setMostSignificantBits(toSigned64(BigInt(`0x${hex.slice(0, 16)}`)).toString())
      .setLeastSignificantBits(toSigned64(BigInt(`0x${hex.slice(16)}`)).toString()),
  );
};

/** A proposed message of Append or BatchAppend (same fields, different classes). */
interface ProposedMessage {
  getId(): shared.UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

/** Throws with the message the server would put in its error when a required property is missing. */
export const toProposedEvent = (message: ProposedMessage): ProposedEvent => {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined) throw new MissingMetadataError('type');
  if (contentType === undefined) throw new MissingMetadataError('content-type');
  return {
    id: uuidText(message.getId()),
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
};

export class MissingMetadataError extends Error {
  constructor(readonly property: string) {
    super(`required metadata property "${property}" is missing`);
  }
}

/** What EventStoreDB counts against its maximum append size (data, metadata and type). */
export const sizeOnDisk = (event: ProposedEvent): number =>
  event.data.length + event.customMetadata.length + Buffer.byteLength(event.type, 'utf8');

/** Expected revision of AppendReq.Options / BatchAppendReq.Options. */
export const expectedOf = (options: {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
  revision(): string | undefined;
}): Expected => {
  if (options.hasAny()) return { kind: 'any' };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  const revision = options.revision();
  if (revision === undefined) throw new Error('expected stream revision missing');
  return { kind: 'revision', revision: BigInt(revision) };
};

/** ReadResp.ReadEvent for a stored event. `allPosition`: the read is of $all (or a $all subscription). */
export const readEventResponse = (
  event: StoredEvent,
  structuredIds: boolean,
  allPosition: boolean,
): streams.ReadResp => {
  const recorded = new streams.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    // Servers since 22.6 fill these on stream reads too; older ones sent 2^64-1 there.
    .setPreparePosition(event.position.toString())
    .setCommitPosition(event.position.toString())
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.createdTicks.toString());
  const read = new streams.ReadResp.ReadEvent().setEvent(recorded);
  if (allPosition) read.setCommitPosition(event.position.toString());
  else read.setNoPosition(new shared.Empty());
  return new streams.ReadResp().setEvent(read);
};
