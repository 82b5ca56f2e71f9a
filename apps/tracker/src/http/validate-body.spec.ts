import 'reflect-metadata';
import { AcsCloudEventDto } from '../ingest/dto/acs-event.dto';
import { CommsNotificationsDto } from '../ingest/dto/graph-notifications.dto';
import { OperationResponseDto } from '../ingest/dto/operation-response.dto';
import { ProblemException } from './problem';
import { validateBody } from './validate-body';

const problemOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemException);
    return (error as ProblemException).getResponse();
  }
  throw new Error('expected a 400');
};

const nested = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};

describe('validateBody', () => {
  it('refuses deep nesting with a 400 naming the place, before anything recursive runs', () => {
    const body = {
      value: [{ changeType: 'updated', resourceUrl: '/calls/x', resourceData: nested(100_000) }],
    };
    expect(problemOf(() => validateBody(CommsNotificationsDto, body))).toMatchObject({
      error: 'invalid_request',
      details: [
        {
          field: expect.stringMatching(/^value\[0\]\.resourceData\.a\.a/),
          problem: 'must not nest deeper than 32 levels',
        },
      ],
    });
    expect(problemOf(() => validateBody(Object, nested(40), '[3]'))).toMatchObject({
      details: [{ field: expect.stringMatching(/^\[3\]\.a\.a/) }],
    });
  });

  it('refuses a "constructor" member (class-transformer would throw: a 500)', () => {
    const body = { id: 'e', type: 't', data: { callConnectionId: 'c', constructor: 1 } };
    expect(problemOf(() => validateBody(AcsCloudEventDto, body, '[0]'))).toMatchObject({
      details: [{ field: '[0].data.constructor', problem: expect.stringMatching(/not allowed/) }],
    });
  });

  it('refuses objects with more than 1000 members', () => {
    const wide = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i]));
    expect(
      problemOf(() => validateBody(AcsCloudEventDto, { id: 'e', type: 't', data: wide }, '[2]')),
    ).toMatchObject({
      details: [{ field: '[2].data', problem: 'must have at most 1000 members (got 1001)' }],
    });
  });

  it('applies the id rule and the context limit to operation responses', () => {
    expect(
      problemOf(() => validateBody(OperationResponseDto, { id: 'a b', status: 'running' })),
    ).toMatchObject({
      details: [{ field: 'id', problem: expect.stringMatching(/^id must be 1-200/) }],
    });
    expect(
      problemOf(() =>
        validateBody(OperationResponseDto, {
          id: 'a',
          status: 'running',
          clientContext: 'x'.repeat(257),
        }),
      ),
    ).toMatchObject({
      details: [
        {
          field: 'clientContext',
          problem: 'clientContext must be shorter than or equal to 256 characters',
        },
      ],
    });
    expect(validateBody(OperationResponseDto, { id: 'a', status: 'running' })).toBeDefined();
  });

  it('applies the id rule to CloudEvent ids and the batch limit to Graph', () => {
    expect(
      problemOf(() => validateBody(AcsCloudEventDto, { id: '../x', type: 't', data: {} }, '[0]')),
    ).toMatchObject({ details: [{ field: '[0].id' }] });
    const item = { changeType: 'updated', resourceUrl: '/calls/x', resourceData: {} };
    expect(
      problemOf(() =>
        validateBody(CommsNotificationsDto, { value: Array.from({ length: 1001 }, () => item) }),
      ),
    ).toMatchObject({
      details: [{ field: 'value', problem: 'value must contain no more than 1000 elements' }],
    });
  });
});
