import fc from 'fast-check';
import { describeCase, fuzzCase, toRequest, type FuzzRequest } from './support/fuzz/mutate';
import { checkRequest, FuzzStats } from './support/fuzz/oracle';
import { loadSeeds, pathOf } from './support/fuzz/seeds';
import { RunningService, startService } from './support/running-service';

/**
 * Fuzzes the three webhooks over real HTTP with mutated fixtures. Reproduce a failure with the
 * seed it prints: `FUZZ_SEED=<seed> npx jest --selectProjects e2e -- test/fuzz`.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_501);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);

describe('webhook input fuzzing', () => {
  let service: RunningService;
  const seeds = loadSeeds();
  const stats = new FuzzStats();
  const check = (request: FuzzRequest) => checkRequest(service, request, stats);
  const json = (path: string, body: unknown): FuzzRequest => ({
    path,
    body: JSON.stringify(body),
    contentType: 'application/json',
  });

  beforeAll(async () => {
    // Nothing but the requests may append while the fuzz compares store positions: startService
    // runs no deadline check.
    service = await startService();
  });
  afterAll(async () => {
    process.stdout.write(`\nfuzz (seed ${SEED}):\n${stats.summary()}\n`);
    await service?.stop();
  });

  it('accepts every seed as it is', async () => {
    for (const seed of seeds) {
      const outcome = await check(json(pathOf(seed), seed.body));
      expect({ seed: seed.name, status: outcome.status }).toEqual({ seed: seed.name, status: 202 });
    }
  });

  describe('limits answer with a problem naming the field and the rule, and store nothing', () => {
    const graphItem = (resourceData: unknown, url = '/communications/calls/fuzz-limits') => ({
      changeType: 'updated',
      resourceUrl: url,
      resourceData,
    });
    const acsEvent = (id: string, data: Record<string, unknown>) => ({
      id,
      type: 'Microsoft.Communication.PlayCompleted',
      data: { callConnectionId: 'fuzz-limits', ...data },
    });
    const rejected = async (request: FuzzRequest, status = 400) => {
      const outcome = await check(request);
      expect(outcome.status).toBe(status);
      return outcome.body as { error: string; message: string; details?: unknown[] };
    };

    it('body size: 413 past BODY_LIMIT_BYTES', async () => {
      const body = await rejected(
        json('/api/calls/fuzz-limits/operations', {
          id: 'op',
          status: 'running',
          x: 'x'.repeat(1_048_577),
        }),
        413,
      );
      expect(body).toMatchObject({ error: 'payload_too_large' });
    });

    it('notifications per batch: 1000, Graph and ACS', async () => {
      const item = graphItem({ state: 'established' });
      expect(
        await rejected(json('/api/calls', { value: Array.from({ length: 1001 }, () => item) })),
      ).toMatchObject({
        details: [{ field: '/value', problem: 'must hold 1 to 1000 notifications (got 1001)' }],
      });
      const events = Array.from({ length: 1001 }, (_, i) => acsEvent(`e${i}`, {}));
      expect(await rejected(json('/api/acs/events', events))).toMatchObject({
        details: [{ field: 'body', problem: 'must hold 1 to 1000 events (got 1001)' }],
      });
    });

    it('clientContext / operationContext: 256 characters on every endpoint', async () => {
      const context = 'c'.repeat(257);
      const problem = expect.stringMatching(/^(clientContext|operationContext) must be .*256/);
      expect(
        await rejected(
          json('/api/calls', {
            value: [
              graphItem(
                { '@odata.type': '#microsoft.graph.playPromptOperation', clientContext: context },
                '/communications/calls/fuzz-limits/operations/op-1',
              ),
            ],
          }),
        ),
      ).toMatchObject({
        details: [{ field: '/value/0/resourceData/clientContext', problem }],
      });
      expect(
        await rejected(json('/api/acs/events', [acsEvent('e-ctx', { operationContext: context })])),
      ).toMatchObject({ details: [{ field: '/0/data/operationContext', problem }] });
      expect(
        await rejected(
          json('/api/calls/fuzz-limits/operations', {
            id: 'op',
            status: 'running',
            clientContext: context,
          }),
        ),
      ).toMatchObject({ details: [{ field: '/clientContext', problem: expect.any(String) }] });
    });

    it('ids in bodies and paths, free text, nesting', async () => {
      const idRule = expect.stringMatching(/must be 1-200 characters of letters, digits/);
      expect(
        await rejected(
          json('/api/calls', {
            value: [
              graphItem([{ id: 'p1' }, { id: 'p 2' }], '/communications/calls/x/participants'),
            ],
          }),
        ),
      ).toMatchObject({ details: [{ field: '/value/0/resourceData/1/id', problem: idRule }] });
      expect(
        await rejected(json('/api/acs/events', [acsEvent('e-id', { callConnectionId: 'a/b' })])),
      ).toMatchObject({ details: [{ field: '/0/data/callConnectionId', problem: idRule }] });
      expect(
        await rejected(json('/api/calls/a%20b/operations', { id: 'op', status: 'running' })),
      ).toMatchObject({ details: [{ field: 'callId', problem: idRule }] });
      expect(
        await rejected(
          json('/api/calls/fuzz-limits/operations', { id: 'o'.repeat(201), status: 'running' }),
        ),
      ).toMatchObject({ details: [{ field: '/id', problem: idRule }] });
      expect(
        await rejected(
          json('/api/calls', {
            value: [
              graphItem({
                state: 'terminated',
                resultInfo: { code: 500, message: 'm'.repeat(2049) },
              }),
            ],
          }),
        ),
      ).toMatchObject({
        details: [
          {
            field: '/value/0/resourceData/resultInfo/message',
            problem: expect.stringMatching(/2048/),
          },
        ],
      });
      const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
      expect(
        await rejected({
          path: '/api/acs/events',
          body: `{"status":"running","operationContext":"c","callConnectionId":"c","x":${deep}}`,
          contentType: 'application/json',
        }),
      ).toMatchObject({ details: [{ problem: 'must not nest deeper than 32 levels' }] });
    });
  });

  it(`answers ${RUNS} mutated requests with a 202 or a 4xx problem, storing nothing when refusing`, async () => {
    const cases = fuzzCase(seeds.length).map((c) =>
      Object.assign(c, { [fc.toStringMethod]: () => describeCase(seeds, c) }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        await check(toRequest(seeds, c));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 180_000);

  it('is still healthy and accepts a valid notification afterwards', async () => {
    expect((await service.get('/health/live')).status).toBe(200);
    expect((await service.get('/health/ready')).status).toBe(200);
    const callId = `fuzz-after-${Date.now()}`;
    const outcome = await check(
      json('/api/calls', {
        value: [
          {
            changeType: 'updated',
            resourceUrl: `/communications/calls/${callId}`,
            resourceData: { state: 'established' },
          },
        ],
      }),
    );
    expect(outcome).toMatchObject({ status: 202, body: { accepted: 1 } });
    await service.settle();
    expect(await service.get(`/api/calls/${callId}`)).toMatchObject({
      status: 200,
      body: { callId, state: 'established' },
    });
  });
});
