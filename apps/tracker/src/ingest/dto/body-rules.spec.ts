import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  MAX_NOTIFICATIONS_PER_BATCH,
  parseAcsEvents,
  parseGraphNotifications,
  parseOperationResponse,
  type ParseResult,
} from '@tracker/domain';
import { fixture } from '@tracker/domain/testing';
import { AcsCloudEventDto } from './acs-event.dto';
import { CommsNotificationsDto } from './graph-notifications.dto';
import { OperationResponseDto } from './operation-response.dto';

// The parser owns the rules of every body; the DTOs describe them in OpenAPI. These checks keep
// the description true: over the fixtures and every way to break an envelope member, the DTOs
// (run through class-validator, as the docs say) accept exactly what the parser's envelope rules
// accept. Content rules (ids inside URLs, limits of what is read out) are the parser's alone.

type Dto = new () => object;

/** A short name for a body in a failure message. */
const brief = (body: unknown): string =>
  (typeof body === 'object' && body !== null && labels.get(body)) ||
  JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 20 ? `<${value.length} chars>` : value,
  ).slice(0, 120);

const dtoAccepts = (dto: Dto, value: unknown): boolean =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  validateSync(plainToInstance(dto, value), { forbidUnknownValues: false }).length === 0;

/** The parser refused the envelope (not only what it read out of a well-formed one). */
const envelopeAccepted = (result: ParseResult): boolean =>
  result.ok || result.errors.every((error) => !error.envelope);

const GRAPH_ITEM = (fixture('graph/playprompt-completed.json') as { value: object[] }).value[0];
const ACS_EVENTS = fixture('acs/play-call-timeline.json') as object[];
const ACS_EVENT = ACS_EVENTS[0];
const RESPONSE = fixture('graph/playprompt-response.json');

const labels = new WeakMap<object, string>();
const labelled = (body: object, label: string) => (labels.set(body, label), body);

/** Each member missing, null, of the wrong type, empty, or too long. */
const variants = (base: object, members: readonly string[]): object[] =>
  members.flatMap((name) => {
    const without = { ...base } as Record<string, unknown>;
    delete without[name];
    const values = [7, null, '', 'x'.repeat(65), 'y'.repeat(257), 'z'.repeat(2049), [], {}];
    return [
      labelled(without, `${name} missing`),
      ...values.map((value) => labelled({ ...base, [name]: value }, `${name}: ${brief(value)}`)),
    ];
  });

describe('request bodies: the OpenAPI DTOs and the parser agree', () => {
  it('Graph commsNotifications', () => {
    const items = [
      GRAPH_ITEM,
      ...variants(GRAPH_ITEM, ['changeType', 'resourceUrl', 'resource', 'resourceData']),
      { ...GRAPH_ITEM, resource: (GRAPH_ITEM as { resourceUrl: string }).resourceUrl },
    ];
    const bodies: unknown[] = [
      ...items.map((item) => labelled({ value: [item] }, brief(item))),
      { value: [] },
      { value: Array.from({ length: MAX_NOTIFICATIONS_PER_BATCH + 1 }, () => GRAPH_ITEM) },
      { value: GRAPH_ITEM },
      { value: [GRAPH_ITEM, 'not an item'] },
      {},
      ...['graph/answer-incoming.json', 'graph/contentsharing-ended.json'].map(fixture),
    ];
    const disagreements = bodies.filter(
      (body) =>
        dtoAccepts(CommsNotificationsDto, body) !== envelopeAccepted(parseGraphNotifications(body)),
    );
    expect(disagreements.map(brief)).toEqual([]);
    expect(
      bodies.filter((body) => !dtoAccepts(CommsNotificationsDto, body)).length,
    ).toBeGreaterThan(30);
  });

  it('ACS events (an array: every event is checked as AcsCloudEventDto)', () => {
    const events = [
      ...ACS_EVENTS,
      ...variants(ACS_EVENT, ['id', 'type', 'eventType', 'data', 'source', 'subject', 'time']),
      ...variants({ ...ACS_EVENT, eventType: 'Microsoft.Communication.PlayCompleted' }, [
        'type',
        'topic',
        'eventTime',
      ]),
    ];
    const disagreements = events.filter(
      (event) => dtoAccepts(AcsCloudEventDto, event) !== envelopeAccepted(parseAcsEvents([event])),
    );
    expect(disagreements.map(brief)).toEqual([]);
    const bounds = [[], Array.from({ length: MAX_NOTIFICATIONS_PER_BATCH + 1 }, () => ACS_EVENT)];
    for (const body of bounds) expect(envelopeAccepted(parseAcsEvents(body))).toBe(false);
  });

  it("an action's response", () => {
    const bodies = [
      RESPONSE,
      fixture('acs/playaudio-response.json'),
      ...variants(RESPONSE as object, ['id', 'status', 'clientContext', 'operationContext']),
    ];
    const disagreements = bodies.filter(
      (body) =>
        dtoAccepts(OperationResponseDto, body) !==
        envelopeAccepted(parseOperationResponse('call-1', body)),
    );
    expect(disagreements.map(brief)).toEqual([]);
  });
});
