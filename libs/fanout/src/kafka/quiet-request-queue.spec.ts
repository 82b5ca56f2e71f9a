import { KafkajsRequestQueueClass, useQuietKafkaRequestQueue } from './quiet-request-queue';

interface RequestQueue {
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: unknown; size: number }): void;
  checkPendingRequests(): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
}

/**
 * kafkajs's own RequestQueue (a copy of its own: jest's registry), stock or made quiet, with
 * `checkPendingRequests` counted. The timers are jest's, so a test sees each one it leaves.
 */
const requestQueue = (quiet: boolean) => {
  let RequestQueue!: KafkajsRequestQueueClass & (new (options: object) => RequestQueue);
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    RequestQueue = require('kafkajs/src/network/requestQueue');
  });
  if (quiet) expect(useQuietKafkaRequestQueue(RequestQueue, '2.2.4', Date.now)).toBe(true);
  const logger = { debug: () => undefined, warn: () => undefined, error: () => undefined };
  const queue = new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:9092',
    logger,
  });
  const checks = jest.spyOn(queue, 'checkPendingRequests');
  const sent: number[] = [];
  const request = (correlationId: number) => ({
    entry: { correlationId, resolve: () => undefined, reject: () => undefined },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  });
  return { queue, checks, sent, request };
};

describe('useQuietKafkaRequestQueue', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('kafkajs 2.2.4 as it ships checks an idle queue every millisecond, for ever (what this fixes)', () => {
    const { queue, checks, request } = requestQueue(false);
    queue.push(request(1));
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    checks.mockClear();
    jest.advanceTimersByTime(100);
    expect(checks.mock.calls.length).toBeGreaterThanOrEqual(90);
    queue.destroy();
  });

  it('made quiet, an idle queue sets no timer after an answer', () => {
    const { queue, checks, request } = requestQueue(true);
    queue.push(request(1));
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    checks.mockClear();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1_000);
    expect(checks).not.toHaveBeenCalled();
  });

  it('still sends a queued request when the one in flight is answered, in order', () => {
    const { queue, sent, request } = requestQueue(true);
    queue.push(request(1));
    queue.push(request(2));
    queue.push(request(3));
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    queue.fulfillRequest({ correlationId: 2, payload: null, size: 0 });
    queue.fulfillRequest({ correlationId: 3, payload: null, size: 0 });
    expect(sent).toEqual([1, 2, 3]);
    // The check `push` scheduled while a request was in flight runs once, finds nothing, and stops.
    jest.advanceTimersByTime(20);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('still sends a request held back by throttling once the throttle ends', () => {
    const { queue, sent, request } = requestQueue(true);
    queue.push(request(1));
    queue.maybeThrottle(50);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    queue.push(request(2));
    expect(sent).toEqual([1]);
    jest.advanceTimersByTime(60);
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });

  it('changes nothing on another kafkajs version or another method', () => {
    const other = { prototype: { scheduleCheckPendingRequests: () => undefined } };
    expect(useQuietKafkaRequestQueue(other as never, '2.2.4')).toBe(false);
    let RequestQueue!: KafkajsRequestQueueClass;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      RequestQueue = require('kafkajs/src/network/requestQueue');
    });
    const stock = RequestQueue.prototype.scheduleCheckPendingRequests;
    expect(useQuietKafkaRequestQueue(RequestQueue, '2.3.0')).toBe(false);
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(stock);
  });
});
