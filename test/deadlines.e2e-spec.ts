import { fixture, startService } from './support/running-service';

const CALL = '57dab8b1-894c-409a-b240-bd8beae78896';

describe('deadline watcher (real clock, short bounds)', () => {
  it('marks a call that stays incoming past the answer timeout as missed, once', async () => {
    const service = await startService({
      ANSWER_TIMEOUT_MS: '300',
      DEADLINE_CHECK_INTERVAL_MS: '50',
    });
    try {
      // The fixture carries no time of its own, so the call rings from when it was received.
      await service.post('/api/calls', fixture('graph/answer-incoming.json'));
      const deadline = Date.now() + 10_000;
      let call = (await service.get(`/api/calls/${CALL}`)).body;
      while (!call?.marks?.missedAt && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        call = (await service.get(`/api/calls/${CALL}`)).body;
      }
      expect(call.marks.missedAt).toEqual(expect.any(String));
      await new Promise((r) => setTimeout(r, 300)); // more ticks must not decide it again
      const history = await service.get(`/api/calls/${CALL}/history`);
      const marks = history.body.events.filter(
        (e: { type: string }) => e.type === 'CallMarkedMissed',
      );
      expect(marks).toHaveLength(1);
      expect(call.marks.missed).toBe(true);

      // Answered late: the mark stays as history, but the call no longer stands missed.
      await service.post('/api/calls', fixture('graph/answer-established.json'));
      await service.settle();
      const answered = (await service.get(`/api/calls/${CALL}`)).body;
      expect(answered.state).toBe('established');
      expect(answered.marks).toEqual({
        missedAt: call.marks.missedAt,
        staleAt: null,
        missed: false,
      });
      expect(answered.answeredAt).toEqual(expect.any(String));
    } finally {
      await service.stop();
    }
  });

  it('leaves an answered call alone', async () => {
    const service = await startService({
      ANSWER_TIMEOUT_MS: '300',
      DEADLINE_CHECK_INTERVAL_MS: '50',
    });
    try {
      await service.post('/api/calls', fixture('graph/answer-incoming.json'));
      await service.post('/api/calls', fixture('graph/answer-established.json'));
      await new Promise((r) => setTimeout(r, 800));
      await service.settle();
      const call = (await service.get(`/api/calls/${CALL}`)).body;
      expect(call.state).toBe('established');
      expect(call.marks).toEqual({ missedAt: null, staleAt: null, missed: false });
    } finally {
      await service.stop();
    }
  });
});
