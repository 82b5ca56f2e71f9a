import { connect, Socket } from 'node:net';
import { RunningService, startService } from './support/running-service';

const CONNECTION_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
/** Past every timeout plus Node's check interval: a connection still open then is kept forever. */
const GIVE_UP_MS = 8000;

interface Ending {
  readonly afterMs: number;
  readonly answer: string;
}

/** Opens a raw connection, announces a 1000-byte body and sends `sendBody`'s bytes only. */
const stalledUpload = async (
  service: RunningService,
  sendBody: (socket: Socket) => void,
): Promise<Ending | 'still open'> => {
  const { hostname, port } = new URL(service.base);
  const socket = connect(Number(port), hostname);
  await new Promise((opened) => socket.once('connect', opened));
  const started = Date.now();
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a reset is one way of being dropped
  socket.write(
    'POST /api/calls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      'Content-Length: 1000\r\n\r\n{"value":[',
  );
  sendBody(socket);
  let giveUp: NodeJS.Timeout | undefined;
  const ending = await Promise.race([
    new Promise<Ending>((closed) =>
      socket.once('close', () => closed({ afterMs: Date.now() - started, answer })),
    ),
    new Promise<'still open'>(
      (late) => (giveUp = setTimeout(() => late('still open'), GIVE_UP_MS)),
    ),
  ]);
  clearTimeout(giveUp);
  socket.destroy();
  return ending;
};

describe('a client that announces a body and does not send it', () => {
  let service: RunningService;
  beforeAll(
    async () =>
      (service = await startService({
        HTTP_CONNECTION_TIMEOUT_MS: String(CONNECTION_TIMEOUT_MS),
        HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      })),
  );
  afterAll(async () => service.stop());

  it('is dropped once it has been silent for HTTP_CONNECTION_TIMEOUT_MS', async () => {
    const ending = await stalledUpload(service, () => undefined);
    expect(ending).not.toBe('still open');
    const { afterMs } = ending as Ending;
    expect(afterMs).toBeGreaterThanOrEqual(CONNECTION_TIMEOUT_MS - 50);
    expect(afterMs).toBeLessThan(CONNECTION_TIMEOUT_MS + 2000);
    expect(await service.store.headPosition()).toBeUndefined();
  }, 15_000);

  it('gets 408 once HTTP_REQUEST_TIMEOUT_MS has passed, however slowly it keeps sending', async () => {
    let drip: NodeJS.Timeout | undefined;
    const ending = await stalledUpload(service, (socket) => {
      // A byte every 200 ms: never silent long enough for the connection timeout.
      drip = setInterval(() => socket.writable && socket.write(' '), 200);
    });
    clearInterval(drip);
    expect(ending).not.toBe('still open');
    const { afterMs, answer } = ending as Ending;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2500);
    expect(await service.store.headPosition()).toBeUndefined();
  }, 15_000);

  it('still serves a client that sends its body in time', async () => {
    const reply = await service.post('/api/calls', {
      value: [
        {
          changeType: 'updated',
          resourceUrl: '/communications/calls/timeouts-1',
          resourceData: { state: 'established' },
        },
      ],
    });
    expect(reply).toMatchObject({ status: 202, body: { accepted: 1 } });
  });
});
